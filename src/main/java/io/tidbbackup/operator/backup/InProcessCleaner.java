package io.tidbbackup.operator.backup;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.storage.CleanEngine;
import io.tidbbackup.storage.CleanReport;
import io.tidbbackup.storage.CleanSettings;
import io.tidbbackup.storage.ObjectStore;
import io.tidbbackup.storage.ObjectStores;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.StoreOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cleans in the operator's own process, for the one case where no Job can be created (the namespace is
 * terminating). Runs on its own small pool, never on a reconcile thread: the reconciler submits, then polls
 * the Future on later reconciles. Same engine as {@code agent clean}.
 */
public class InProcessCleaner implements AutoCloseable {
  private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "in-process-clean");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Future<CleanReport>> running = new ConcurrentHashMap<>();

  /** Starts a clean for {@code key} unless one runs; returns its Future. */
  public Future<CleanReport> submit(String key, BackupSpec spec, StorageLocation target, Map<String, String> env) {
    return running.computeIfAbsent(key, k -> pool.submit(() -> {
      CleanSettings s = CleanSettings.of(spec.cleanOption);
      try (ObjectStore store = ObjectStores.open(spec, new StoreOptions(env,
          Math.max(s.batchConcurrency(), s.routineConcurrency()) + 4))) {
        return new CleanEngine().clean(store, target, s, false);
      }
    }));
  }

  public Future<CleanReport> get(String key) {
    return running.get(key);
  }

  public void forget(String key) {
    Future<CleanReport> f = running.remove(key);
    if (f != null && !f.isDone()) {
      f.cancel(true);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
