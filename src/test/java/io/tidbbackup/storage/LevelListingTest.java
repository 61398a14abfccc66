package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.StorageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The first round's listing by level ({@link ListingStreams}) on an in-memory store that lists as
 * S3 does with and without a delimiter, and can be told to name sub-prefixes of its own: what the
 * store names is never taken on trust. Sentinels beside the prefix must survive every test.
 */
class LevelListingTest {
  static final String DIR = "p/backup-1/";
  static final List<String> SENTINELS =
      List.of("p/backup-10/backupmeta", "p/backup-1-old/1/x.sst", "p/backup-1.tmp", "root.txt");

  /** Sorted keys in memory; a DeleteObjects-style store whose every call is recorded. */
  static final class MemoryStore implements ObjectStore {
    final NavigableSet<String> keys = new ConcurrentSkipListSet<>();
    final RequestCounts requests = new RequestCounts();
    final List<String> levels = new CopyOnWriteArrayList<>();
    final List<String> recursive = new CopyOnWriteArrayList<>();
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();

    /** Sub-prefixes the store names besides the true ones, on every level listing. */
    List<String> lies = List.of();

    @Override
    public String describe() {
      return "memory://b";
    }

    /** Recursive: up to {@code max} keys after {@code token} (the last key of the page before). */
    @Override
    public ListPage list(String prefix, String token, int max) {
      requests.listed();
      recursive.add(prefix);
      List<String> page = new ArrayList<>();
      for (String k : token == null ? keys.tailSet(prefix) : keys.tailSet(token, false)) {
        if (!k.startsWith(prefix)) {
          break;
        }
        if (page.size() == max) {
          return new ListPage(page, page.get(page.size() - 1));
        }
        page.add(k);
      }
      return new ListPage(page, null);
    }

    @Override
    public boolean listsByLevel() {
      return true;
    }

    /** One page holding the whole level: its keys, and each deeper prefix once. */
    @Override
    public ListPage listLevel(String dir, String token, int max) {
      requests.listed();
      levels.add(dir);
      List<String> here = new ArrayList<>();
      List<String> below = new ArrayList<>(lies);
      for (String k : keys.tailSet(dir)) {
        if (!k.startsWith(dir)) {
          break;
        }
        int slash = k.indexOf('/', dir.length());
        if (slash < 0) {
          here.add(k);
        } else if (!below.contains(k.substring(0, slash + 1))) {
          below.add(k.substring(0, slash + 1));
        }
      }
      return new ListPage(here, null, below);
    }

    @Override
    public boolean supportsBatchDelete() {
      return true;
    }

    @Override
    public BatchDeleteResult deleteBatch(List<String> batch) {
      requests.deleted();
      batches.add(batch.size());
      batch.forEach(this::delete);
      return new BatchDeleteResult(List.copyOf(batch), Map.of());
    }

    @Override
    public void delete(String key) {
      deleted.add(key);
      keys.remove(key);
    }

    @Override
    public RequestCounts requests() {
      return requests;
    }
  }

  /**
   * {@code n} SSTs spread over store directories 1/ to 5/, BR's three top-level files, sentinels.
   */
  static MemoryStore filled(int n) {
    MemoryStore s = new MemoryStore();
    s.keys.addAll(BackupLayout.snapshotKeys("p/backup-1", n));
    s.keys.addAll(SENTINELS);
    return s;
  }

  static CleanReport clean(MemoryStore store) throws InterruptedException {
    return new CleanEngine((l, d, f) -> {}, d -> {})
        .clean(
            store,
            new StorageLocation(StorageType.S3, "b", "p/backup-1"),
            CleanSettings.of(null),
            false);
  }

  @Test
  void theFirstRoundListsEachSubPrefixOnItsOwnAndDeletesWholeChunks() throws Exception {
    MemoryStore store = filled(12_345);
    CleanReport r = clean(store);
    assertThat(r.verified()).isTrue();
    assertThat(r.deleted()).isEqualTo(12_345);
    assertThat(store.keys).containsExactlyInAnyOrderElementsOf(SENTINELS);
    // the prefix's level, then its six sub-prefixes each as a listing of its own (five more store
    // directories than list calls in flight: none of them is split again)
    assertThat(store.levels).containsExactly(DIR);
    assertThat(store.recursive)
        .contains(DIR + "1/", DIR + "2/", DIR + "3/", DIR + "4/", DIR + "5/", DIR + "checkpoints/");
    // pages of several listings are gathered: every DeleteObjects but the last carries 1000 keys
    assertThat(store.batches).hasSize(13);
    assertThat(store.batches.stream().filter(b -> b == 1000)).hasSize(12);
  }

  /**
   * A log backup: one v1/ under the prefix, listed by level again; its four dates are as many as
   * the list calls in flight, so each is one listing.
   */
  @Test
  void aSingleSubPrefixIsListedByLevelAgain() throws Exception {
    MemoryStore store = new MemoryStore();
    for (int d = 1; d <= 4; d++) {
      for (int i = 0; i < 600; i++) {
        store.keys.add(DIR + "v1/2026120" + d + "/" + i + ".log");
      }
    }
    store.keys.addAll(SENTINELS);
    CleanReport r = clean(store);
    assertThat(r.verified()).isTrue();
    assertThat(r.deleted()).isEqualTo(2400);
    assertThat(store.levels).containsExactly(DIR, DIR + "v1/");
    assertThat(store.recursive).contains(DIR + "v1/20261201/", DIR + "v1/20261204/");
    assertThat(store.keys).containsExactlyInAnyOrderElementsOf(SENTINELS);
  }

  @Test
  void aSubPrefixOutsideTheDirectoryStopsTheCleanBeforeAnyDelete() {
    MemoryStore store = filled(3000);
    store.lies = List.of("p/backup-10/");
    assertThatThrownBy(() -> clean(store))
        .isInstanceOf(UnsafePrefixException.class)
        .hasMessageContaining("p/backup-10/");
    assertThat(store.deleted).isEmpty();
    assertThat(store.recursive).doesNotContain("p/backup-10/");
    assertThat(store.keys).containsAll(SENTINELS).hasSize(3000 + SENTINELS.size());
  }

  @Test
  void aSubPrefixThatIsNotBelowItsLevelFailsTheRoundAndTheNextListsAsOne() throws Exception {
    MemoryStore store = filled(3000);
    store.lies = List.of(DIR);
    CleanReport r = clean(store);
    assertThat(r.verified()).isTrue();
    assertThat(r.rounds()).isEqualTo(2);
    // the level listing only in the first round; the second lists the prefix as one listing
    assertThat(store.levels).containsExactly(DIR);
    assertThat(store.recursive).contains(DIR);
    assertThat(store.deleted).allMatch(k -> k.startsWith(DIR));
    assertThat(store.keys).containsExactlyInAnyOrderElementsOf(SENTINELS);
  }
}
