package io.tidbbackup.operator.run;

import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.storage.ObjectStore;
import io.tidbbackup.storage.ObjectStores;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.StoreOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Listings of a backup's storage the operator makes before a Job reads it (a restore's snapshot
 * {@code backupmeta}, its log backup's metadata), in its own process with the static credentials of
 * the backup's own Secret ({@link InProcessCredentials}). They run on a small pool of their own,
 * never on a reconcile thread: a reconcile asks, and a later one reads the answer by the same id.
 */
public class StoragePreflight implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(StoragePreflight.class);

  /**
   * One thing to find: {@code key} under the provider's prefix, the exact key or ({@code anyUnder})
   * any key below it; {@code what} names it in messages.
   */
  public record Probe(
      StorageProvider storage,
      Map<String, String> env,
      String key,
      boolean anyUnder,
      String what) {}

  /** What was found: the probes whose keys are missing, or the error that ended the listing. */
  public record Outcome(List<String> missing, String error) {
    public boolean ok() {
      return error == null && missing.isEmpty();
    }
  }

  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "storage-preflight");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Future<Outcome>> running = new ConcurrentHashMap<>();

  /**
   * The outcome of the listing {@code id} names, once it has ended (and then forgotten); empty
   * while it runs, the first call starting it.
   */
  public Optional<Outcome> check(String id, List<Probe> probes) {
    Future<Outcome> f = running.computeIfAbsent(id, k -> pool.submit(() -> list(probes)));
    if (!f.isDone()) {
      return Optional.empty();
    }
    running.remove(id, f);
    try {
      return Optional.of(f.get());
    } catch (ExecutionException e) {
      return Optional.of(new Outcome(List.of(), String.valueOf(e.getCause())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new Outcome(List.of(), "interrupted"));
    }
  }

  /** Runs the probes (one store opened per probe; each listing reads at most a few keys). */
  static Outcome list(List<Probe> probes) {
    List<String> missing = new ArrayList<>();
    for (Probe p : probes) {
      StorageLocation at = StorageLocation.of(p.storage());
      String key = at.prefix().isEmpty() ? p.key() : at.prefix() + "/" + p.key();
      try (ObjectStore store =
          ObjectStores.open(p.storage(), new StoreOptions(p.env(), 2).staticCredentialsOnly())) {
        List<String> keys = store.list(key, null, 10).keys();
        boolean found = p.anyUnder() ? !keys.isEmpty() : keys.stream().anyMatch(k -> k.equals(key));
        LOG.info(
            "preflight: {} {} at {}/{}",
            p.what(),
            found ? "found" : "missing",
            store.describe(),
            key);
        if (!found) {
          missing.add(p.what() + " (" + store.describe() + "/" + key + ")");
        }
      } catch (Exception e) {
        LOG.info("preflight: listing {} failed: {}", key, e.toString());
        return new Outcome(List.of(), "listing " + key + " failed: " + e.getMessage());
      }
    }
    return new Outcome(List.copyOf(missing), null);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
