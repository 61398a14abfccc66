package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.StorageType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local volume (on a shared NFS volume, other tenants' files are beside the prefix) against
 * hostile names and links: what the guard checks is what is deleted, nothing above or beside the
 * prefix is touched, and "verified" means the prefix holds nothing.
 */
class LocalVolumeHardeningTest {
  static final String PREFIX = "team/backup-1";

  static CleanReport clean(Path mount) throws Exception {
    return new CleanEngine()
        .clean(
            new LocalStore(mount),
            new StorageLocation(StorageType.LOCAL, mount.toString(), PREFIX),
            CleanSettings.of(null),
            false);
  }

  static Path file(Path mount, String rel) throws Exception {
    Path f = mount.resolve(rel);
    Files.createDirectories(f.getParent());
    return Files.writeString(f, "x");
  }

  /** {@code ..\\victim} is a file of that name inside the prefix, never {@code ../victim}. */
  @Test
  void aFileNamedWithABackslashIsDeletedAsItselfNeverAsAPathAboveThePrefix(@TempDir Path mount)
      throws Exception {
    Path victim = file(mount, "team/victim");
    file(mount, PREFIX + "/backupmeta");
    Path odd = file(mount, PREFIX + "/..\\victim");
    CleanReport r = clean(mount);
    assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
    assertThat(odd).doesNotExist();
    assertThat(victim).as("the file beside the prefix").exists();
  }

  /** A link inside the prefix to another tenant's directory: the link goes, the directory stays. */
  @Test
  void aSymlinkInsideThePrefixIsDeletedAsALinkItsTargetIsNeverTouched(@TempDir Path mount)
      throws Exception {
    Path other = file(mount, "other-tenant/backup-9/backupmeta");
    Path otherFile = file(mount, "other-tenant/secret.txt");
    file(mount, PREFIX + "/1/a.sst");
    Path dirLink =
        Files.createSymbolicLink(mount.resolve(PREFIX + "/1/link"), mount.resolve("other-tenant"));
    Path fileLink = Files.createSymbolicLink(mount.resolve(PREFIX + "/file-link"), otherFile);
    CleanReport r = clean(mount);
    assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
    assertThat(Files.exists(dirLink, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(fileLink, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(other).exists();
    assertThat(otherFile).exists();
    assertThat(mount.resolve(PREFIX)).doesNotExist();
  }

  /** A prefix that is itself a link would be "verified empty" while its target keeps the data. */
  @Test
  void aPrefixThatIsASymlinkIsRefusedAndItsTargetKept(@TempDir Path mount) throws Exception {
    Path data = file(mount, "elsewhere/backupmeta");
    Files.createDirectories(mount.resolve("team"));
    Files.createSymbolicLink(mount.resolve(PREFIX), mount.resolve("elsewhere"));
    CleanReport r = clean(mount);
    assertThat(r.verified()).isFalse();
    assertThat(r.error()).contains("symbolic link");
    assertThat(data).exists();
  }

  /** Empty directories are removed inside the prefix only: never the ones above it. */
  @Test
  void directoriesAboveThePrefixStayEvenWhenTheCleanEmptiesThem(@TempDir Path mount)
      throws Exception {
    file(mount, PREFIX + "/a/b/c.sst");
    CleanReport r = clean(mount);
    assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
    assertThat(mount.resolve(PREFIX)).doesNotExist();
    assertThat(mount.resolve("team")).isDirectory();
  }

  @Test
  void aKeyThatResolvesAboveTheVolumeIsRefused(@TempDir Path mount) throws Exception {
    Path outside = file(mount.getParent(), mount.getFileName() + "-sibling/file");
    try (LocalStore store = new LocalStore(mount)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> store.delete("team/../../" + mount.getFileName() + "-sibling/file"))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("outside");
    }
    assertThat(outside).exists();
  }

  @Test
  void listingThroughALinkedParentIsRefused(@TempDir Path mount) throws Exception {
    file(mount, "real/backup-1/backupmeta");
    Files.createSymbolicLink(mount.resolve("team"), mount.resolve("real"));
    try (LocalStore store = new LocalStore(mount)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.list(PREFIX + "/", null, 10))
          .hasMessageContaining("symbolic link");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.delete(PREFIX + "/backupmeta"))
          .hasMessageContaining("symbolic link");
    }
    assertThat(mount.resolve("real/backup-1/backupmeta")).exists();
  }
}
