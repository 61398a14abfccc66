package io.tidbbackup.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidbbackup.api.CleanReport;
import java.time.Duration;

/**
 * Counters and a timer per provider for cleans: objects deleted, delete requests, failures,
 * duration.
 */
public final class CleanMetrics {
  /**
   * Histogram buckets for work that takes seconds to days: backups, restores, cleans (Prometheus
   * {@code le} bounds).
   */
  public static final Duration[] BUCKETS = {
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(15),
    Duration.ofMinutes(30),
    Duration.ofHours(1),
    Duration.ofHours(2),
    Duration.ofHours(4),
    Duration.ofHours(8),
    Duration.ofHours(16),
    Duration.ofDays(1),
    Duration.ofDays(2)
  };

  private final MeterRegistry registry;

  /** Every series exists from the start, at 0 (an alert on an increase needs its first sample). */
  public CleanMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (PrefixRefusal r : PrefixRefusal.values()) {
      refused(r.name());
    }
    refused(REFUSED_BY_AGENT);
    for (io.tidbbackup.api.StorageType t : io.tidbbackup.api.StorageType.values()) {
      String p = t.scheme();
      deleted(p);
      requests(p);
      failures(p);
      duration(p);
    }
  }

  private Counter deleted(String provider) {
    return Counter.builder("tidb_backup_clean_objects_deleted")
        .tag("provider", provider)
        .description("Objects the storage cleaner deleted")
        .register(registry);
  }

  private Counter requests(String provider) {
    return Counter.builder("tidb_backup_clean_delete_requests")
        .tag("provider", provider)
        .description("Delete requests the storage cleaner sent (DeleteObjects counts once)")
        .register(registry);
  }

  private Counter failures(String provider) {
    return Counter.builder("tidb_backup_clean_failures")
        .tag("provider", provider)
        .description("Cleans that ended without the prefix verified empty (dry runs never count)")
        .register(registry);
  }

  private Timer duration(String provider) {
    return Timer.builder("tidb_backup_clean_duration")
        .tag("provider", provider)
        .description("Time one clean took, listing, deleting and verifying")
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /** The reason of a clean the agent itself refused (an error no retry can fix). */
  public static final String REFUSED_BY_AGENT = "CleanRefused";

  private Counter refused(String reason) {
    return Counter.builder("tidb_backup_clean_refused")
        .tag("reason", reason)
        .description(
            "Backups released with their data kept because their clean was refused (an empty, shared or"
                + " foreign prefix, or an error no retry can fix)")
        .register(registry);
  }

  /** A Backup released with its data kept: its clean was refused for {@code reason}. */
  public void refused(Enum<?> reason) {
    refused(reason.name()).increment();
  }

  public void record(String provider, CleanReport r) {
    deleted(provider).increment(r.deleted());
    requests(provider).increment(r.requests().delete());
    failures(provider).increment(r.verified() || Boolean.TRUE.equals(r.dryRun()) ? 0 : 1);
    duration(provider).record(Duration.ofMillis((long) (r.seconds() * 1000)));
  }

  public MeterRegistry registry() {
    return registry;
  }
}
