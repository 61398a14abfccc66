package io.tidbbackup.operator.run;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.storage.CleanEngine;
import io.tidbbackup.storage.CleanSettings;
import io.tidbbackup.storage.ObjectStore;
import io.tidbbackup.storage.ObjectStores;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.StoreOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cleans in the operator's own process, for the one case where no Job can be created (the namespace
 * is terminating). Runs on its own small pool, never on a reconcile thread: the reconciler submits,
 * then polls the Future on later reconciles. Same engine as {@code agent clean}.
 *
 * <p>Cleans are keyed by the Backup's UID, so a Backup re-created under the same name never sees
 * the clean of the one before it. {@link #stop} says whether the clean has really ended: a
 * cancelled Future is "done" at once, while its thread (and the engine's delete workers, which it
 * waits for) may still be sending deletes.
 */
public class InProcessCleaner implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(InProcessCleaner.class);
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "in-process-clean");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Run> running = new ConcurrentHashMap<>();

  private static final int NOT_STARTED = 0;
  private static final int CLEANING = 1;
  private static final int ENDED = 2;

  /**
   * One clean: its Future, and its state, which becomes ENDED only once its thread has left the
   * engine.
   */
  private static final class Run {
    final AtomicInteger state = new AtomicInteger(NOT_STARTED);
    volatile Future<CleanReport> future;

    boolean ended() {
      // a clean stopped before its thread took it never starts
      return state.compareAndSet(NOT_STARTED, ENDED) || state.get() == ENDED;
    }
  }

  /** Starts a clean for {@code uid} unless one runs; returns its Future. */
  public Future<CleanReport> submit(
      String uid, BackupSpec spec, StorageLocation target, Map<String, String> env) {
    return submit(
        uid,
        () -> {
          CleanSettings s = CleanSettings.of(spec.cleanOption).inOperatorProcess();
          try (ObjectStore store =
              ObjectStores.open(
                  spec,
                  new StoreOptions(env, Math.max(s.batchConcurrency(), s.routineConcurrency()) + 4)
                      .staticCredentialsOnly())) {
            return new CleanEngine().clean(store, target, s, false);
          }
        });
  }

  /**
   * Runs {@code clean} for {@code uid} unless one runs (the engine call, or a test's stand-in for
   * it).
   */
  Future<CleanReport> submit(String uid, Callable<CleanReport> clean) {
    return running.computeIfAbsent(
            uid,
            k -> {
              Run run = new Run();
              run.future =
                  pool.submit(
                      () -> {
                        if (!run.state.compareAndSet(NOT_STARTED, CLEANING)) {
                          return null; // stopped before it started
                        }
                        try {
                          return clean.call();
                        } finally {
                          run.state.set(ENDED);
                        }
                      });
              return run;
            })
        .future;
  }

  public Future<CleanReport> get(String uid) {
    Run r = running.get(uid);
    return r == null ? null : r.future;
  }

  /** Forgets a clean that has ended (its report read). */
  public void forget(String uid) {
    running.remove(uid);
  }

  /**
   * Stops the clean of {@code uid}, if any: interrupts it, and returns true only once it has ended
   * (the engine stops its delete workers and waits for them before it returns). False means: ask
   * again later.
   */
  public boolean stop(String uid) {
    Run r = running.get(uid);
    if (r == null) {
      return true;
    }
    if (!r.future.isDone()) {
      LOG.info("in-process clean of Backup uid {}: stopping", uid);
      r.future.cancel(true);
    }
    if (!r.ended()) {
      return false;
    }
    running.remove(uid, r);
    return true;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
