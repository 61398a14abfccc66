package io.tidbbackup.operator.backup;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.status.StatusBuffer;
import java.time.Duration;
import java.time.Instant;

/**
 * One reconcile of one Backup (the Flink operator's resource context is the model): the object,
 * JOSDK's context, the services, one clock reading, and the status as this reconcile has computed
 * it so far. Flows read and {@link #update} the status here; it is written once, by {@link #flush},
 * at the end of the reconcile (or before the finalizer is released, and before an error is thrown,
 * so that nothing computed is lost).
 */
final class BackupContext {
  /** The main container of a Backup's Jobs. */
  static final String CONTAINER = io.tidbbackup.api.AgentProtocol.BACKUP;

  private final Context<Backup> josdk;
  private final BackupServices services;
  private final Instant now;
  private final StatusBuffer<BackupStatus, Backup> status;

  BackupContext(Backup backup, Context<Backup> josdk, BackupServices services) {
    this.status = new StatusBuffer<>(backup, josdk, services.writer());
    this.josdk = josdk;
    this.services = services;
    this.now = services.clock().instant();
  }

  /** The Backup as last written (its status is the one on the server, not {@link #status()}). */
  Backup backup() {
    return status.resource();
  }

  Context<Backup> josdk() {
    return josdk;
  }

  BackupServices services() {
    return services;
  }

  ToolJobs jobs() {
    return services.jobs();
  }

  /** The reconcile's one clock reading. */
  Instant now() {
    return now;
  }

  /** The status as computed so far in this reconcile. */
  BackupStatus status() {
    return status.status();
  }

  void update(BackupStatus next) {
    status.update(next);
  }

  /**
   * Writes the status computed in this reconcile, if it differs from the server's (the one status
   * write).
   */
  void flush() {
    status.flush();
  }

  void event(EventType type, Reason reason, String message) {
    services.events().record(status.resource(), type, reason, message);
  }

  /** Flushes the status, then removes the finalizer: the Backup goes. */
  void releaseFinalizer() {
    Backup stored = status.flush();
    String finalizer = io.tidbbackup.operator.surface.ApiSurface.of(stored).finalizer();
    if (stored.hasFinalizer(finalizer)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(services.client(), stored, finalizer);
    }
  }

  /** "namespace/name", for log lines. */
  String key() {
    return status.resource().getMetadata().getNamespace()
        + "/"
        + status.resource().getMetadata().getName();
  }

  /**
   * Whether the pod of {@code job} (a snapshot backup's, or a log subcommand's: {@code what}) has
   * started, with what that means for the status written: PodStarted=False and one Warning per
   * cause while it waits, PodStarted=True once it started after that. Returns the watch (null: the
   * pod started); the caller fails the Job when it has expired.
   */
  io.tidbbackup.operator.run.StartWatch watchStart(
      io.fabric8.kubernetes.api.model.batch.v1.Job job, String what) {
    var w = jobs().startWatch(job, services.settings().podStartDeadline(), now);
    BackupStatus st = status();
    if (w == null) {
      if (st != null && io.tidbbackup.operator.run.StartWatch.saidNotStarted(st.conditions)) {
        update(
            BackupStatuses.withCondition(st, io.tidbbackup.operator.run.StartWatch.started(), now));
      }
    } else if (!w.expired() && w.show() && (st == null || !w.alreadySaid(st.conditions))) {
      update(BackupStatuses.withCondition(st, w.condition(what), now));
      event(
          io.tidbbackup.operator.status.EventType.WARNING,
          io.tidbbackup.operator.status.Reason.PodNotStarted,
          w.problem().message());
    }
    return w;
  }

  static UpdateControl<Backup> done() {
    return UpdateControl.noUpdate();
  }

  static UpdateControl<Backup> after(Duration d) {
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(d);
  }
}
