package io.tidbbackup.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.BackupScheduleStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.HasPhase;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.surface.V2Status;
import java.util.Objects;
import java.util.Set;

/**
 * The one class that writes status, for every kind. It writes only when the status really changed
 * (an update of the status subresource, guarded by resourceVersion so a stale read is retried
 * rather than overwriting; the result is cached so the next reconcile sees it), and records an
 * Event and the phase metrics for every phase transition.
 */
public class StatusWriter {
  private static final Set<String> WARNING_PHASES =
      Set.of(
          ConditionTypes.FAILED,
          ConditionTypes.INVALID,
          ConditionTypes.RETRY_FAILED,
          ConditionTypes.CLEAN_FAILED,
          ConditionTypes.PRUNE_FAILED);

  private final EventRecorder events;
  private final PhaseMetrics metrics;

  private final ObjectMetrics objects;

  public StatusWriter(EventRecorder events, PhaseMetrics metrics) {
    this(events, metrics, null);
  }

  public StatusWriter(EventRecorder events, PhaseMetrics metrics, ObjectMetrics objects) {
    this.events = events;
    this.metrics = metrics;
    this.objects = objects;
  }

  /**
   * What a reconcile left the object's status at, written or not (the object gauges follow every
   * object from the operator's first pass on).
   */
  public void observed(CustomResource<?, ?> resource) {
    if (objects != null) {
      objects.observed(resource);
    }
  }

  /** The object is gone: its gauges forget it. */
  public void forget(String uid) {
    if (objects != null) {
      objects.forget(uid);
    }
  }

  public <S extends HasPhase, P extends CustomResource<?, S>> P write(
      P resource, Context<P> ctx, S computed) {
    // a br.pingcap.com object's status in v2's shape; compared shaped, so written only on change
    S newStatus = V2Status.shape(resource, computed);
    S old = resource.getStatus();
    if (old != null && Serde.json(V2Status.shape(resource, old)).equals(Serde.json(newStatus))) {
      observed(resource);
      return resource;
    }
    P updated =
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            resource,
            ctx,
            r -> {
              r.setStatus(newStatus);
              return r;
            });
    String oldPhase = old == null ? null : old.currentPhase();
    if (!Objects.equals(oldPhase, newStatus.currentPhase()) && newStatus.currentPhase() != null) {
      announce(resource, newStatus);
      metrics.changed(resource.getKind().toLowerCase(java.util.Locale.ROOT), oldPhase, newStatus);
    }
    observed(updated);
    return updated;
  }

  /**
   * A BackupSchedule's status (it has no phase): written only when it changed, cached for the next
   * reconcile.
   */
  public BackupSchedule writeSchedule(
      BackupSchedule schedule, Context<BackupSchedule> ctx, BackupScheduleStatus computed) {
    BackupScheduleStatus status = shapeSchedule(schedule, computed);
    BackupScheduleStatus old = schedule.getStatus();
    if (old != null && Serde.json(shapeSchedule(schedule, old)).equals(Serde.json(status))) {
      observed(schedule);
      return schedule;
    }
    BackupSchedule updated =
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
            schedule,
            ctx,
            r -> {
              r.setStatus(status);
              return r;
            });
    observed(updated);
    return updated;
  }

  /** v2's names for a br.pingcap.com schedule's status (stored ones pass through unchanged). */
  private static BackupScheduleStatus shapeSchedule(BackupSchedule bs, BackupScheduleStatus st) {
    if (io.tidbbackup.operator.surface.ApiSurface.of(bs)
        != io.tidbbackup.operator.surface.ApiSurface.V2) {
      return st;
    }
    return V2Status.schedule(
        V2Status.scheduleIn(st),
        bs.getSpec() == null ? null : bs.getSpec().compactSpan,
        bs.getMetadata().getGeneration());
  }

  private void announce(CustomResource<?, ?> resource, HasPhase status) {
    String phase = status.currentPhase();
    BackupCondition c = Conditions.find(status.currentConditions(), phase);
    String reason = c != null && c.reason != null ? c.reason : phase;
    String message =
        c != null && c.message != null
            ? c.message
            : resource.getKind() + " " + resource.getMetadata().getName() + " is " + phase;
    events.record(
        resource,
        WARNING_PHASES.contains(phase) ? EventType.WARNING : EventType.NORMAL,
        reason,
        message);
  }
}
