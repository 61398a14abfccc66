package io.tidbbackup.operator.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.HasPhase;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Counters and a duration histogram per kind (backup, restore, compactbackup), fed by the one
 * status writer on every phase change: {@code tidb_backup_operations_started_total} (Scheduled),
 * {@code …_succeeded_total} (Complete), {@code …_failed_total} (Failed), {@code …_invalid_total}
 * (Invalid) and {@code tidb_backup_operation_duration_seconds} (timeStarted to timeCompleted of a
 * finished one, buckets from 10 s to 2 days). Every series exists from the start at 0, so that
 * {@code increase()} sees the first failure.
 */
public final class PhaseMetrics {
  public static final List<String> KINDS = List.of("backup", "restore", "compactbackup");
  static final List<String> EVENTS = List.of("started", "succeeded", "failed", "invalid");
  private final MeterRegistry registry;

  public PhaseMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String kind : KINDS) {
      for (String event : EVENTS) {
        counter(event, kind);
      }
      timer(kind, "succeeded");
      timer(kind, "failed");
    }
  }

  public void changed(String kind, String oldPhase, HasPhase status) {
    String phase = status.currentPhase();
    switch (phase) {
      case ConditionTypes.SCHEDULED -> {
        if (oldPhase == null) {
          counter("started", kind).increment();
        }
      }
      case ConditionTypes.COMPLETE -> {
        counter("succeeded", kind).increment();
        duration(kind, "succeeded", status);
      }
      case ConditionTypes.FAILED -> {
        counter("failed", kind).increment();
        duration(kind, "failed", status);
      }
      case ConditionTypes.INVALID -> counter("invalid", kind).increment();
      default -> {}
    }
  }

  private Counter counter(String event, String kind) {
    return Counter.builder("tidb_backup_operations_" + event)
        .tag("kind", kind)
        .description(
            switch (event) {
              case "started" -> "Backups, restores and compactions whose first Job was created";
              case "succeeded" -> "Backups, restores and compactions that became Complete";
              case "failed" -> "Backups, restores and compactions that became Failed";
              default -> "Backups, restores and compactions found Invalid (nothing was run)";
            })
        .register(registry);
  }

  private Timer timer(String kind, String outcome) {
    return Timer.builder("tidb_backup_operation_duration")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .description("Time from a tool Job's start to its end, by kind and outcome")
        .serviceLevelObjectives(CleanMetrics.BUCKETS)
        .register(registry);
  }

  private void duration(String kind, String outcome, HasPhase status) {
    Instant a = Timestamps.parse(status.startedAt());
    Instant b = Timestamps.parse(status.completedAt());
    if (a != null && b != null && !b.isBefore(a)) {
      timer(kind, outcome).record(Duration.between(a, b));
    }
  }
}
