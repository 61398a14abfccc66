package io.tidbbackup.operator.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.HasPhase;
import io.tidbbackup.api.Timestamps;
import java.time.Duration;
import java.time.Instant;

/**
 * Counters and a timer per kind (backup, restore), fed by the one status writer on every phase
 * change: {@code tidb_backup_operations_started_total} (Scheduled), {@code …_succeeded_total}
 * (Complete), {@code …_failed_total} (Failed), {@code …_invalid_total} (Invalid) and {@code
 * tidb_backup_operation_duration_seconds} (timeStarted to timeCompleted of a finished one).
 */
public final class PhaseMetrics {
  private final MeterRegistry registry;

  public PhaseMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void changed(String kind, String oldPhase, HasPhase status) {
    String phase = status.currentPhase();
    switch (phase) {
      case ConditionTypes.SCHEDULED -> {
        if (oldPhase == null) {
          count("started", kind);
        }
      }
      case ConditionTypes.COMPLETE -> {
        count("succeeded", kind);
        duration(kind, "succeeded", status);
      }
      case ConditionTypes.FAILED -> {
        count("failed", kind);
        duration(kind, "failed", status);
      }
      case ConditionTypes.INVALID -> count("invalid", kind);
      default -> {}
    }
  }

  private void count(String event, String kind) {
    Counter.builder("tidb_backup_operations_" + event)
        .tag("kind", kind)
        .description(kind + "s " + event)
        .register(registry)
        .increment();
  }

  private void duration(String kind, String outcome, HasPhase status) {
    Instant a = Timestamps.parse(status.startedAt());
    Instant b = Timestamps.parse(status.completedAt());
    if (a != null && b != null && !b.isBefore(a)) {
      Timer.builder("tidb_backup_operation_duration")
          .tag("kind", kind)
          .tag("outcome", outcome)
          .description("time from the tool Job's start to its end")
          .register(registry)
          .record(Duration.between(a, b));
    }
  }
}
