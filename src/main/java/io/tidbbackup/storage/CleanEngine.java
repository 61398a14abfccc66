package io.tidbbackup.storage;

import io.tidbbackup.api.CleanReport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deletes everything under a backup's prefix, applying cleanOption: list page by page, the next
 * page listed while the current one is deleted (on S3, the first round lists the prefix a level at
 * a time, its sub-prefixes side by side: {@link ListingStreams}); S3 deletes with DeleteObjects in
 * chunks of at most 1000 keys, listed 1000 at a time (so the first delete does not wait for a whole
 * {@code pageSize}), {@code batchConcurrency} requests in flight across pages; every other store
 * (and S3 with {@code disableBatchConcurrency}) lists {@code pageSize} keys a page and deletes one
 * object per call, at most {@code routineConcurrency} in flight. A round ends with a listing that
 * must come back empty; failed keys are retried by the next round, up to {@code retryCount} rounds.
 * Nothing outside the prefix is ever deleted: every key passes {@link PrefixGuard}.
 */
public final class CleanEngine {
  public static final int BATCH_LIMIT = 1000;

  /**
   * List calls in flight at once when a prefix is listed a level at a time (never more than {@code
   * batchConcurrency}): a listing's requests go one after the other, so at a store's round trip of
   * 20 ms one listing gives about 40,000 keys a second, while ten DeleteObjects in flight take ten
   * times that.
   */
  static final int LIST_STREAMS = 4;

  /** Called after every page. */
  public interface Progress {
    void update(long listed, long deleted, long failed);
  }

  /** Sleeps between pages with failures when backoffEnabled (injectable for tests). */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final Progress progress;
  private final Sleeper sleeper;

  public CleanEngine(Progress progress, Sleeper sleeper) {
    this.progress = progress;
    this.sleeper = sleeper;
  }

  public CleanEngine() {
    this((l, d, f) -> {}, d -> Thread.sleep(d.toMillis()));
  }

  public CleanReport clean(ObjectStore store, StorageLocation loc, CleanSettings s, boolean dryRun)
      throws InterruptedException {
    Scope dir = Scope.of(loc);
    long start = System.nanoTime();
    Counters c = new Counters();
    boolean batch = s.batch() && store.supportsBatchDelete();
    // adapted to the store for the whole clean: a throttling store is asked less often
    int concurrency = batch ? s.batchConcurrency() : s.routineConcurrency();
    c.window = new AdaptiveWindow(concurrency);
    int listers = batch ? Math.min(LIST_STREAMS, concurrency) : 1;
    ExecutorService lister = Executors.newFixedThreadPool(listers, daemon("clean-list"));
    ExecutorService workers = Executors.newFixedThreadPool(concurrency, daemon("clean-delete"));
    int round = 0;
    Duration roundBackoff = CleanSettings.BACKOFF_START;
    boolean verified = false;
    String error = null;
    try {
      while (round < s.retryCount() && !verified) {
        round++;
        c.roundFailed.set(0);
        try {
          // by level in the first round only: a later round lists what is left as one listing, so a
          // store whose levels mislead cannot fail every round
          boolean split = round == 1 && batch && listers > 1 && dir.exact() == null;
          verified = round(store, dir, s, dryRun, batch, split, listers, lister, workers, c);
          if (!verified && !dryRun && c.roundFailed.get() > 0 && s.backoffEnabled()) {
            // the store refused keys (throttling, say): wait before the next round asks again
            sleeper.sleep(roundBackoff);
            roundBackoff = doubled(roundBackoff);
          }
        } catch (IOException e) {
          // a listing failed after the SDK's own retries: this round failed, the next one starts
          // over
          c.roundFailed.incrementAndGet();
          c.lastError.set(e.getMessage());
        }
        if (dryRun) {
          break;
        }
      }
      if (!verified && !dryRun) {
        long left = remaining(store, dir);
        error =
            left
                + " object(s) remain under "
                + loc.url()
                + " after "
                + round
                + " round(s)"
                + (c.lastError.get() != null ? "; last error: " + c.lastError.get() : "");
      }
    } catch (IOException e) {
      error = "cleaning " + loc.url() + " failed: " + e.getMessage();
    } catch (UnsafePrefixException e) {
      // the store listed a key outside the prefix: stop at once. Before any delete this is a plain
      // refusal (nothing was deleted); after one, the summary must say what was done.
      if (c.deleted.get() == 0) {
        throw e;
      }
      error =
          "stopped after deleting "
              + c.deleted.get()
              + " object(s): "
              + e.getMessage()
              + "; nothing more was deleted";
    } finally {
      lister.shutdownNow();
      workers.shutdownNow();
      awaitStopped(lister, workers);
    }
    CleanReport.Requests requests =
        new CleanReport.Requests(store.requests().list(), store.requests().delete());
    double seconds = Math.round((System.nanoTime() - start) / 1e6) / 1000.0;
    return new CleanReport(
        c.listed.get(),
        c.deleted.get(),
        verified || dryRun ? 0 : Math.max(c.roundFailed.get(), 1),
        requests,
        seconds,
        round,
        verified,
        c.fallback.get() ? Boolean.TRUE : null,
        dryRun ? Boolean.TRUE : null,
        error);
  }

  /**
   * One round: list every page and send its deletes (at most batchConcurrency or routineConcurrency
   * calls in flight, across pages), wait for them all, then remove directory entries and verify the
   * prefix is empty.
   */
  private boolean round(
      ObjectStore store,
      Scope dir,
      CleanSettings s,
      boolean dryRun,
      boolean batch,
      boolean split,
      int listers,
      ExecutorService lister,
      ExecutorService workers,
      Counters c)
      throws IOException, InterruptedException {
    List<String> directories = new ArrayList<>();
    // batch deletes start after the first 1000 keys listed, not after a whole pageSize of them
    int pageSize = batch ? (int) Math.min(s.pageSize(), BATCH_LIMIT) : (int) s.pageSize();
    // at most c.window delete calls in flight, across pages: no page waits for the one before
    java.util.ArrayDeque<Future<?>> inFlight = new java.util.ArrayDeque<>();
    ListingStreams listing =
        new ListingStreams(
            store,
            dir.listPrefix(),
            dir.dir(),
            split && store.listsByLevel(),
            pageSize,
            listers,
            lister);
    try {
      pages(store, dir, s, dryRun, batch, listing, workers, c, directories, inFlight, pageSize);
    } catch (IOException | RuntimeException e) {
      // a listing failed, or a key outside the prefix came back: no more lists, and the deletes
      // already sent answer first, so that what the caller says was deleted is what was
      listing.cancel();
      drain(inFlight);
      throw e;
    }
    // every delete of the round has answered before the directories go and the prefix is verified
    drain(inFlight);
    retryRefusedBatches(store, workers, c);
    if (dryRun) {
      return false;
    }
    return finishRound(store, dir, directories, c);
  }

  private void pages(
      ObjectStore store,
      Scope dir,
      CleanSettings s,
      boolean dryRun,
      boolean batch,
      ListingStreams listing,
      ExecutorService workers,
      Counters c,
      List<String> directories,
      java.util.ArrayDeque<Future<?>> inFlight,
      int chunk)
      throws IOException, InterruptedException {
    Duration backoff = CleanSettings.BACKOFF_START;
    // batch deletes of whole chunks: pages of several listings (a sub-prefix's last page is short)
    // are gathered, so that a DeleteObjects still carries up to a page of keys
    List<String> gathered = new ArrayList<>();
    List<String> page;
    // the next pages are listed meanwhile; a token seen before in a listing fails the round
    while ((page = listing.next()) != null) {
      List<String> keys = new ArrayList<>(page.size());
      for (String k : dir.inScope(page)) {
        dir.requireInside(k);
        if (store.isDirectoryEntry(k)) {
          directories.add(k);
        } else {
          keys.add(k);
        }
      }
      c.listed.addAndGet(keys.size());
      long failedBefore = c.roundFailed.get();
      if (!dryRun && !keys.isEmpty() && batch) {
        gathered.addAll(keys);
        int whole = gathered.size() - gathered.size() % chunk;
        if (whole > 0) {
          List<String> send = new ArrayList<>(gathered.subList(0, whole));
          gathered.subList(0, whole).clear();
          submitDeletes(store, send, !c.fallback.get(), chunk, workers, c, inFlight);
        }
      } else if (!dryRun && !keys.isEmpty()) {
        submitDeletes(store, keys, false, chunk, workers, c, inFlight);
      }
      progress.update(c.listed.get(), c.deleted.get(), c.roundFailed.get());
      if (c.roundFailed.get() > failedBefore && s.backoffEnabled()) {
        sleeper.sleep(backoff);
        backoff = doubled(backoff);
      } else {
        backoff = CleanSettings.BACKOFF_START;
      }
    }
    if (!gathered.isEmpty()) {
      submitDeletes(store, gathered, !c.fallback.get(), chunk, workers, c, inFlight);
    }
  }

  /** The next wait of a backoff: twice this one, at most {@link CleanSettings#BACKOFF_CAP}. */
  static Duration doubled(Duration d) {
    Duration next = d.multipliedBy(2);
    return next.compareTo(CleanSettings.BACKOFF_CAP) > 0 ? CleanSettings.BACKOFF_CAP : next;
  }

  /** The end of a round: directory entries removed, then the prefix verified empty. */
  private boolean finishRound(ObjectStore store, Scope dir, List<String> directories, Counters c)
      throws IOException {
    deleteDirectories(store, dir, directories, c);
    try {
      store.removeEmptyDirectories(dir.dir());
    } catch (IOException e) {
      c.lastError.set(e.getMessage()); // not data: the verification below decides
    }
    return c.roundFailed.get() == 0 && remaining(store, dir) == 0;
  }

  /**
   * Submits a page's deletes (chunks of {@code chunk} keys, at most {@value #BATCH_LIMIT}, or one
   * key each) without waiting for them, keeping at most the adaptive window of calls in flight:
   * when it is full, the oldest is waited for first.
   */
  private void submitDeletes(
      ObjectStore store,
      List<String> keys,
      boolean batch,
      int chunk,
      ExecutorService workers,
      Counters c,
      java.util.ArrayDeque<Future<?>> inFlight)
      throws InterruptedException, IOException {
    if (batch) {
      int size = Math.min(chunk, BATCH_LIMIT);
      for (int i = 0; i < keys.size(); i += size) {
        List<String> part = keys.subList(i, Math.min(keys.size(), i + size));
        makeRoom(inFlight, c.window);
        inFlight.addLast(workers.submit(() -> deleteChunk(store, part, c)));
      }
    } else {
      for (String k : keys) {
        makeRoom(inFlight, c.window);
        inFlight.addLast(workers.submit(() -> deleteOne(store, k, c)));
      }
    }
  }

  private static void makeRoom(java.util.ArrayDeque<Future<?>> inFlight, AdaptiveWindow window)
      throws InterruptedException, IOException {
    while (inFlight.size() >= window.current()) {
      get(inFlight.removeFirst());
    }
  }

  private static void drain(java.util.ArrayDeque<Future<?>> inFlight)
      throws InterruptedException, IOException {
    while (!inFlight.isEmpty()) {
      get(inFlight.removeFirst());
    }
  }

  /** The keys of batches the store refused (no DeleteObjects), deleted one by one. */
  private void retryRefusedBatches(ObjectStore store, ExecutorService workers, Counters c)
      throws InterruptedException, IOException {
    List<String> retry;
    synchronized (c.pendingFallback) {
      retry = new ArrayList<>(c.pendingFallback);
      c.pendingFallback.clear();
    }
    if (!retry.isEmpty()) {
      deleteEach(store, retry, workers, c);
    }
  }

  /** Deletes each key with its own call on the workers, and waits for them all. */
  private void deleteEach(ObjectStore store, List<String> keys, ExecutorService workers, Counters c)
      throws InterruptedException, IOException {
    List<Future<?>> futures = new ArrayList<>();
    for (String k : keys) {
      futures.add(workers.submit(() -> deleteOne(store, k, c)));
    }
    for (Future<?> f : futures) {
      get(f);
    }
  }

  /**
   * How often one call is sent again while the store throttles it, before its keys count as failed
   * for the round (with waits of {@link #throttleWait}: about 15 s in all).
   */
  static final int THROTTLED_ATTEMPTS = 12;

  /**
   * The wait before sending a throttled call again: 50 ms doubling per attempt, at most 2 s, with
   * jitter so that the calls in flight do not come back together.
   */
  static Duration throttleWait(int attempt) {
    long base = Math.min(2000, 50L << Math.min(attempt - 1, 10));
    return Duration.ofMillis(
        base / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  /**
   * One delete call, sent again while the store throttles it (the window of calls in flight shrinks
   * meanwhile); the store's answer, or the last throttle after {@link #THROTTLED_ATTEMPTS}.
   */
  private <T> T unthrottled(Counters c, java.util.concurrent.Callable<T> call) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        T result = call.call();
        c.window.succeeded();
        return result;
      } catch (StoreThrottledException t) {
        c.window.throttled();
        if (attempt >= THROTTLED_ATTEMPTS) {
          throw t;
        }
        sleeper.sleep(throttleWait(attempt));
      }
    }
  }

  private Void deleteChunk(ObjectStore store, List<String> chunk, Counters c) {
    if (c.fallback.get()) {
      synchronized (c.pendingFallback) {
        c.pendingFallback.addAll(chunk);
      }
      return null;
    }
    try {
      BatchDeleteResult r = unthrottled(c, () -> store.deleteBatch(chunk));
      // only keys this request asked for count: a store's claim about others proves nothing
      long confirmed =
          r.deleted().stream().distinct().filter(new HashSet<>(chunk)::contains).count();
      c.deleted.addAndGet(confirmed);
      long missing = chunk.size() - confirmed;
      if (missing > 0) {
        c.roundFailed.addAndGet(missing);
        // name the key, as the per-object mode does
        r.errors().entrySet().stream()
            .findFirst()
            .ifPresent(e -> c.lastError.set(e.getKey() + ": " + e.getValue()));
        if (r.errors().isEmpty()) {
          c.lastError.set("the store reported " + missing + " key(s) neither deleted nor failed");
        }
      }
    } catch (BatchDeleteUnsupportedException e) {
      c.fallback.set(true);
      synchronized (c.pendingFallback) {
        c.pendingFallback.addAll(chunk);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.roundFailed.addAndGet(chunk.size());
      c.lastError.set("interrupted");
    } catch (Exception e) {
      c.roundFailed.addAndGet(chunk.size());
      c.lastError.set(e.getMessage());
    }
    return null;
  }

  private Void deleteOne(ObjectStore store, String key, Counters c) {
    try {
      unthrottled(
          c,
          () -> {
            store.delete(key);
            return null;
          });
      c.deleted.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.roundFailed.incrementAndGet();
      c.lastError.set(key + ": interrupted");
    } catch (Exception e) {
      c.roundFailed.incrementAndGet();
      c.lastError.set(key + ": " + e.getMessage());
    }
    return null;
  }

  /** Directory entries of a hierarchical namespace go last, deepest first; they are not data. */
  private static void deleteDirectories(
      ObjectStore store, Scope dir, List<String> dirs, Counters c) {
    dirs.sort(Comparator.comparingInt((String k) -> k.split("/").length).reversed());
    for (String d : dirs) {
      dir.requireInside(d);
      try {
        store.delete(d);
      } catch (IOException | RuntimeException e) {
        c.lastError.set(d + ": " + e.getMessage());
      }
    }
  }

  /**
   * Objects (not directory entries) still under the prefix, counted from the first page of a fresh
   * listing.
   */
  private static long remaining(ObjectStore store, Scope dir) throws IOException {
    ListPage page = list(store, dir, null, BATCH_LIMIT);
    List<String> keys = dir.inScope(page.keys());
    long data = keys.stream().filter(k -> !store.isDirectoryEntry(k)).count();
    if (data == 0 && !keys.isEmpty()) {
      // only directory entries left: remove them and look again
      deleteDirectories(store, dir, new ArrayList<>(keys), new Counters());
      page = list(store, dir, null, BATCH_LIMIT);
      return dir.inScope(page.keys()).size();
    }
    return page.nextToken() != null ? Math.max(data, BATCH_LIMIT) : data;
  }

  private static ListPage list(ObjectStore store, Scope dir, String token, int max)
      throws IOException {
    return store.list(dir.listPrefix(), token, max);
  }

  /**
   * What one clean may delete: everything under {@code dir} (the prefix plus '/'); and, when the
   * target names an archive ({@code .tgz}, {@code .tar.gz}, {@code .tar}: a Dumpling backup made by
   * TiDB Operator, whose backupPath is {@code <prefix>/backup-<time>.tgz}), the object of that
   * exact name too. Listing then asks for the name without '/' and keeps only those two; a sibling
   * such as {@code backup-x.tgz.bak} is never in scope. Without this, such a backup's clean would
   * list an empty "directory", verify it empty and leave the archive behind.
   */
  record Scope(String dir, String exact) {
    static Scope of(StorageLocation loc) {
      String dir = PrefixGuard.directory(loc);
      String name = dir.substring(0, dir.length() - 1);
      return new Scope(dir, io.tidbbackup.api.RestoreSpec.isArchiveName(name) ? name : null);
    }

    String listPrefix() {
      return exact != null ? exact : dir;
    }

    List<String> inScope(List<String> keys) {
      return exact == null
          ? keys
          : keys.stream().filter(k -> k.equals(exact) || k.startsWith(dir)).toList();
    }

    void requireInside(String key) {
      if (!key.equals(exact)) {
        PrefixGuard.requireInside(dir, key);
      }
    }
  }

  private static <T> T get(Future<T> f) throws InterruptedException, IOException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  /**
   * Waits (up to a minute, even when interrupted) until no list or delete call of this clean is in
   * flight, so that a clean that has returned, stopped or not, sends nothing more. The interrupt is
   * kept for the caller.
   */
  private static void awaitStopped(ExecutorService... pools) {
    boolean interrupted = Thread.interrupted();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    for (ExecutorService pool : pools) {
      while (!pool.isTerminated() && System.nanoTime() < deadline) {
        try {
          pool.awaitTermination(
              deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static final class Counters {
    final AtomicLong listed = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong roundFailed = new AtomicLong();
    final AtomicBoolean fallback = new AtomicBoolean();
    final java.util.concurrent.atomic.AtomicReference<String> lastError =
        new java.util.concurrent.atomic.AtomicReference<>();
    final List<String> pendingFallback = new ArrayList<>();
    AdaptiveWindow window = new AdaptiveWindow(1);
  }
}
