package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.CleanOption;
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
    public ListPage list(String keyPrefix, String token, int max) throws java.io.IOException {
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
    assertThat(r.error()).contains("continuation token \"same-token\" twice in one listing");
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

  /**
   * A store that lists as S3, GCS and Azure do: one {@link ObjectStore#list} call gathers its page
   * from as many requests as it takes ({@link ListPage#gather}), each request answered by {@link
   * #answer} and counted. Past 1000 requests it throws, so that a listing that never ends fails the
   * test instead of hanging it.
   */
  abstract static class GatheringStore extends FakeStore {
    final AtomicInteger sent = new AtomicInteger();

    abstract ListPage answer(String keyPrefix, String token);

    @Override
    public ListPage list(String keyPrefix, String token, int max) throws java.io.IOException {
      return ListPage.gather(
          token,
          max,
          1000,
          (next, want) -> {
            requests.listed();
            if (sent.incrementAndGet() > 1000) {
              throw new IllegalStateException(
                  "asked for a page 1000 times: the listing never ends");
            }
            return answer(keyPrefix, next);
          });
    }

    @Override
    ListPage page(String keyPrefix, String token) {
      throw new UnsupportedOperationException("lists through answer()");
    }
  }

  static final StorageLocation LOC = new StorageLocation(StorageType.S3, "b", "p/backup-1");

  static CleanSettings pageSize(long n) {
    io.tidbbackup.api.CleanOption o = new io.tidbbackup.api.CleanOption();
    o.pageSize = n;
    return CleanSettings.of(o);
  }

  /**
   * The S3 store seen asking 1,174 times a minute: every answer "truncated", no keys, the same
   * token. Each round fails its listing at the second request (the token comes back), the clean
   * reports the failure after retryCount rounds, and nothing is deleted.
   */
  @Test
  void truncatedAnswersWithNoKeysAndTheSameTokenFailTheListingAtTheSecondRequest()
      throws Exception {
    GatheringStore store =
        new GatheringStore() {
          @Override
          ListPage answer(String keyPrefix, String token) {
            return new ListPage(List.of(), "same-token");
          }
        };
    CleanReport r = new CleanEngine((l, d, f) -> {}, d -> {}).clean(store, LOC, pageSize(0), false);
    assertThat(r.verified()).isFalse();
    assertThat(r.failed()).isPositive();
    assertThat(r.rounds()).isEqualTo(CleanOption.DEFAULT_RETRY_COUNT);
    assertThat(r.error())
        .contains("p/backup-1", "continuation token \"same-token\" twice in one listing");
    // per round: the first request and the one that got the token back; then the count of what
    // remains, which fails the same way
    assertThat(store.sent.get()).isEqualTo(2 * r.rounds() + 2);
    assertThat(store.deleted).isEmpty();
  }

  /**
   * A few keys, then the same token again with more: the listing fails inside the page, whose keys
   * never reach a delete; nothing but what the store listed under the prefix could be deleted.
   */
  @Test
  void keysThenTheSameTokenAgainFailTheListingInsideThePage() throws Exception {
    GatheringStore store =
        new GatheringStore() {
          @Override
          ListPage answer(String keyPrefix, String token) {
            return token == null
                ? new ListPage(List.of(keyPrefix + "a", keyPrefix + "b"), "t1")
                : new ListPage(List.of(keyPrefix + "c"), "t1");
          }
        };
    CleanReport r = new CleanEngine((l, d, f) -> {}, d -> {}).clean(store, LOC, pageSize(0), false);
    assertThat(r.verified()).isFalse();
    assertThat(r.failed()).isPositive();
    assertThat(r.error()).contains("continuation token \"t1\" twice in one listing");
    assertThat(store.sent.get()).isEqualTo(2 * r.rounds() + 2);
    assertThat(store.deleted).isEmpty();
  }

  /**
   * Pages of two keys: the first page ends on a token, and the next page's first answer gives that
   * token back. The page it started from counts as seen, so the listing fails at that answer; the
   * first page's keys (listed, inside the prefix) are the only ones deleted.
   */
  @Test
  void aPageThatGetsItsStartingTokenBackFailsTheListing() throws Exception {
    GatheringStore store =
        new GatheringStore() {
          @Override
          ListPage answer(String keyPrefix, String token) {
            return token == null
                ? new ListPage(List.of(keyPrefix + "a", keyPrefix + "b"), "t1")
                : new ListPage(List.of(keyPrefix + "c"), "t1");
          }
        };
    CleanReport r = new CleanEngine((l, d, f) -> {}, d -> {}).clean(store, LOC, pageSize(2), false);
    assertThat(r.verified()).isFalse();
    assertThat(r.failed()).isPositive();
    assertThat(r.error()).contains("continuation token \"t1\" twice in one listing");
    // per round: the first page's one request, then the next page's, which gets "t1" back; then
    // the count of what remains
    assertThat(store.sent.get()).isEqualTo(2 * r.rounds() + 2);
    assertThat(store.deleted).hasSize(2 * r.rounds()).containsOnly("p/backup-1/a", "p/backup-1/b");
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
          .isInstanceOf(UnsafePrefixException.class)
          .satisfies(
              e ->
                  assertThat(((UnsafePrefixException) e).reason())
                      .isEqualTo(PrefixRefusal.InvalidPrefix));
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
        .isInstanceOf(UnsafePrefixException.class);
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
