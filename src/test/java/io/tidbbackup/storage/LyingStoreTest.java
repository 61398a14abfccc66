package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.StorageType;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Faults no real server produces, so a fake store: a listing that repeats its continuation token
 * (or returns an empty one) would be followed for ever; the clean ends, unverified, saying why.
 */
class LyingStoreTest {
  /** A store that lists what {@link #page} says and records every delete (a per-object store). */
  abstract static class FakeStore implements ObjectStore {
    final List<String> deleted = new java.util.concurrent.CopyOnWriteArrayList<>();
    final RequestCounts requests = new RequestCounts();

    abstract ListPage page(String keyPrefix, String token);

    @Override
    public String describe() {
      return "fake://" + getClass().getSimpleName();
    }

    @Override
    public ListPage list(String keyPrefix, String token, int max) {
      requests.listed();
      return page(keyPrefix, token);
    }

    @Override
    public boolean supportsBatchDelete() {
      return false;
    }

    @Override
    public void delete(String key) {
      requests.deleted();
      deleted.add(key);
    }

    @Override
    public RequestCounts requests() {
      return requests;
    }
  }

  /** Every page returns the same keys and the same next token. */
  static final class RepeatingStore extends FakeStore {
    final String token;
    final AtomicInteger lists = new AtomicInteger();

    RepeatingStore(String token) {
      this.token = token;
    }

    @Override
    ListPage page(String keyPrefix, String t) {
      if (lists.incrementAndGet() > 1000) {
        throw new IllegalStateException("followed the token for ever");
      }
      return new ListPage(List.of(keyPrefix + "a", keyPrefix + "b"), token);
    }
  }

  @Test
  void aRepeatedContinuationTokenEndsTheCleanUnverified() throws Exception {
    RepeatingStore store = new RepeatingStore("same-token");
    CleanReport r =
        new CleanEngine((l, d, f) -> {}, d -> {})
            .clean(
                store,
                new StorageLocation(StorageType.S3, "b", "p/backup-1"),
                CleanSettings.of(null),
                false);
    assertThat(r.verified()).isFalse();
    assertThat(r.error()).contains("continuation token", "a second time");
    assertThat(store.lists.get()).isLessThan(1000);
    assertThat(store.deleted).allMatch(k -> k.startsWith("p/backup-1/"));
  }

  @Test
  void anEmptyContinuationTokenEndsTheCleanUnverified() throws Exception {
    RepeatingStore store = new RepeatingStore("");
    CleanReport r =
        new CleanEngine((l, d, f) -> {}, d -> {})
            .clean(
                store,
                new StorageLocation(StorageType.S3, "b", "p/backup-1"),
                CleanSettings.of(null),
                false);
    assertThat(r.verified()).isFalse();
    assertThat(r.error()).contains("empty");
  }

  @Test
  void aBackupAtTheBucketRootOverlapsEveryOtherBackupInTheBucket() {
    StorageLocation root = new StorageLocation(StorageType.S3, "b", "");
    StorageLocation one = new StorageLocation(StorageType.S3, "b", "team/backup-1");
    assertThat(PrefixGuard.overlaps(one, root)).isTrue();
    assertThat(PrefixGuard.overlaps(root, one)).isTrue();
    assertThat(PrefixGuard.overlaps(one, new StorageLocation(StorageType.S3, "other", "")))
        .isFalse();
    assertThat(
            PrefixGuard.overlaps(one, new StorageLocation(StorageType.S3, "b", "team/backup-10")))
        .isFalse();
  }

  @Test
  void aBackupPathWithEscapesOrDotSegmentsIsRefusedBeforeAnythingIsDeleted() {
    io.tidbbackup.api.BackupSpec spec = new io.tidbbackup.api.BackupSpec();
    spec.s3 = new io.tidbbackup.api.S3StorageProvider();
    spec.s3.bucket = "b";
    spec.s3.prefix = "team";
    for (String path :
        List.of("s3://b/team/backup-1%2Fweekly", "s3://b/team/../other", "s3://b/team/x?y")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> StorageLocation.target(spec, path))
          .as(path)
          .isInstanceOf(PrefixGuard.UnsafePrefixException.class)
          .satisfies(
              e ->
                  assertThat(((PrefixGuard.UnsafePrefixException) e).reason())
                      .isEqualTo(PrefixGuard.Refusal.InvalidPrefix));
    }
    spec.s3.prefix = "team/%2F";
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StorageLocation.target(spec, null))
        .hasMessageContaining("spec.s3.prefix");
  }

  /** A store whose first (or second) page holds a key outside the prefix. */
  static final class StrayKeyStore extends FakeStore {
    final boolean strayFirst;

    StrayKeyStore(boolean strayFirst) {
      this.strayFirst = strayFirst;
    }

    @Override
    ListPage page(String keyPrefix, String token) {
      boolean first = token == null;
      if (first == strayFirst) {
        return new ListPage(List.of(keyPrefix + "z", "another-tenant/backupmeta"), null);
      }
      return new ListPage(List.of(keyPrefix + "a", keyPrefix + "b"), first ? "t1" : null);
    }
  }

  @Test
  void aKeyOutsideThePrefixStopsTheCleanAndIsNeverDeleted() throws Exception {
    StorageLocation loc = new StorageLocation(StorageType.S3, "b", "p/backup-1");
    // on the first page: a refusal, nothing deleted (the agent exits 2)
    StrayKeyStore first = new StrayKeyStore(true);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new CleanEngine((l, d, f) -> {}, d -> {})
                    .clean(first, loc, CleanSettings.of(null), false))
        .isInstanceOf(PrefixGuard.UnsafePrefixException.class);
    assertThat(first.deleted).isEmpty();
    // after a page was deleted: a summary that says so (the agent exits 1), and nothing more
    StrayKeyStore later = new StrayKeyStore(false);
    CleanReport r =
        new CleanEngine((l, d, f) -> {}, d -> {}).clean(later, loc, CleanSettings.of(null), false);
    assertThat(r.verified()).isFalse();
    assertThat(r.error())
        .contains("stopped after deleting 2 object(s)", "another-tenant/backupmeta");
    assertThat(later.deleted).containsExactlyInAnyOrder("p/backup-1/a", "p/backup-1/b");
  }
}
