package io.tidbbackup.operator.kernel;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one read per object per period (a pod log for progress, PD for a checkpoint), however
 * often events wake the reconcile. Kept in memory: after a restart the first reconcile reads.
 */
public final class Throttle {
  private final Map<String, Instant> last = new ConcurrentHashMap<>();

  /**
   * Null when {@code key} may be read now (and the read is recorded), else how long until it may.
   */
  public Duration wait(String key, Instant now, Duration every) {
    Instant before = last.get(key);
    if (before != null && now.isBefore(before.plus(every))) {
      return Duration.between(now, before.plus(every));
    }
    last.put(key, now);
    return null;
  }

  public void forget(String key) {
    last.remove(key);
  }
}
