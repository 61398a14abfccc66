package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.GcsStorageProvider;
import io.tidbbackup.api.StorageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner against fake-gcs-server (the GCS JSON API emulator), and against a directory (local
 * volumes).
 */
class GcsAndLocalCleanTest {
  static final String PREFIX = "tidb/basic/backup-1";
  static final int N = 1200;

  static CleanSettings settings(long pageSize, int workers) {
    CleanOption o = new CleanOption();
    o.pageSize = pageSize;
    o.routineConcurrency = workers;
    return CleanSettings.of(o);
  }

  @Test
  void gcsPerObjectDeletesWithPaging() throws Exception {
    try (TestingGcs gcs = TestingGcs.start();
        FaultProxy proxy = new FaultProxy(gcs.endpoint())) {
      gcs.createBucket("bkt");
      gcs.createBucket("other");
      gcs.put("bkt", BackupLayout.snapshotKeys(PREFIX, N));
      List<String> sentinels = BackupLayout.siblingSentinels("tidb/basic", "backup-1");
      gcs.put("bkt", sentinels);
      gcs.put("bkt", List.of("tidb/basic/backup-1"));
      gcs.put("other", List.of(PREFIX + "/backupmeta"));
      GcsStorageProvider p = new GcsStorageProvider();
      p.projectId = "test";
      p.bucket = "bkt";
      CleanReport r;
      try (ObjectStore store =
          GcsStore.open(p, new StoreOptions(Map.of(StoreOptions.GCS_ENDPOINT, proxy.uri()), 8))) {
        r =
            new CleanEngine()
                .clean(
                    store,
                    new StorageLocation(StorageType.GCS, "bkt", PREFIX),
                    settings(500, 32),
                    false);
      }
      assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
      assertThat(r.deleted()).isEqualTo(N);
      assertThat(proxy.deleteRequests.get()).isEqualTo(N);
      assertThat(proxy.listRequests.get()).isEqualTo(3 + 1); // 3 pages of 500 + verification
      assertThat(gcs.names("bkt"))
          .containsExactlyInAnyOrderElementsOf(
              Stream.concat(sentinels.stream(), Stream.of("tidb/basic/backup-1")).toList());
      assertThat(gcs.names("other")).hasSize(1);
    }
  }

  /**
   * A bucket with object versioning: overwritten and deleted objects keep noncurrent generations,
   * which are billed and restorable. Every generation under the prefix is removed, whatever the
   * bucket says about versioning, and the verification looks at generations too.
   */
  @Test
  void gcsVersionedBucketLosesEveryGenerationUnderThePrefix() throws Exception {
    try (TestingGcs gcs = TestingGcs.start()) {
      gcs.createBucket("vbkt", true);
      List<String> targets = BackupLayout.snapshotKeys(PREFIX, 60);
      gcs.put("vbkt", targets);
      gcs.put("vbkt", targets.subList(0, 30)); // second generations
      for (String n : targets.subList(50, 60)) {
        gcs.deleteLive("vbkt", n); // only noncurrent generations are left of these
      }
      List<String> sentinels = BackupLayout.siblingSentinels("tidb/basic", "backup-1");
      gcs.put("vbkt", sentinels);
      gcs.put("vbkt", sentinels);
      List<String> outside =
          gcs.generations("vbkt").stream().filter(g -> !g.startsWith(PREFIX + "/")).toList();
      assertThat(gcs.generations("vbkt")).hasSize(90 + outside.size());
      GcsStorageProvider p = new GcsStorageProvider();
      p.projectId = "test";
      p.bucket = "vbkt";
      CleanReport r;
      try (ObjectStore store =
          GcsStore.open(
              p, new StoreOptions(Map.of(StoreOptions.GCS_ENDPOINT, gcs.endpoint()), 8))) {
        r =
            new CleanEngine()
                .clean(
                    store,
                    new StorageLocation(StorageType.GCS, "vbkt", PREFIX),
                    settings(500, 16),
                    false);
      }
      assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
      assertThat(r.deleted()).isEqualTo(90);
      assertThat(gcs.generations("vbkt")).containsExactlyInAnyOrderElementsOf(outside);
    }
  }

  @Test
  void localVolumeRemovesFilesAndTheDirectoriesTheyLeaveEmpty(@TempDir Path mount)
      throws Exception {
    List<String> targets = BackupLayout.snapshotKeys(PREFIX, 300);
    List<String> sentinels = BackupLayout.siblingSentinels("tidb/basic", "backup-1");
    for (String k : Stream.concat(targets.stream(), sentinels.stream()).toList()) {
      Path f = mount.resolve(k);
      Files.createDirectories(f.getParent());
      Files.writeString(f, "x");
    }
    CleanReport r =
        new CleanEngine()
            .clean(
                new LocalStore(mount),
                new StorageLocation(StorageType.LOCAL, mount.toString(), PREFIX),
                settings(100, 4),
                false);
    assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
    assertThat(r.deleted()).isEqualTo(300);
    assertThat(Files.exists(mount.resolve(PREFIX))).isFalse();
    for (String s : sentinels) {
      assertThat(mount.resolve(s)).exists();
    }
  }
}
