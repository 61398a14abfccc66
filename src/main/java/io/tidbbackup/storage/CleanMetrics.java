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
  private final MeterRegistry registry;

  public CleanMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String provider, CleanReport r) {
    Counter.builder("tidb_backup_clean_objects_deleted")
        .tag("provider", provider)
        .description("objects deleted by the storage cleaner")
        .register(registry)
        .increment(r.deleted());
    Counter.builder("tidb_backup_clean_delete_requests")
        .tag("provider", provider)
        .description("delete requests sent by the storage cleaner")
        .register(registry)
        .increment(r.requests().delete());
    Counter.builder("tidb_backup_clean_failures")
        .tag("provider", provider)
        .description("cleans that did not end verified-empty")
        .register(registry)
        .increment(r.verified() ? 0 : 1);
    Timer.builder("tidb_backup_clean_duration")
        .tag("provider", provider)
        .description("time a clean took")
        .register(registry)
        .record(Duration.ofMillis((long) (r.seconds() * 1000)));
  }

  public MeterRegistry registry() {
    return registry;
  }
}
