package io.tidbbackup.operator.backup;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.operator.ToolJobs;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import java.time.Duration;
import java.time.Instant;

/**
 * One reconcile of one Backup (the Flink operator's resource context is the model): the object, JOSDK's context,
 * the services, one clock reading, and the status as this reconcile has computed it so far. Flows read and
 * {@link #update} the status here; it is written once, by {@link #flush}, at the end of the reconcile (or before the
 * finalizer is released, and before an error is thrown, so that nothing computed is lost).
 */
final class BackupContext {
  private final Context<Backup> josdk;
  private final BackupServices services;
  private final Instant now;
  private Backup current;
  private BackupStatus pending;

  BackupContext(Backup backup, Context<Backup> josdk, BackupServices services) {
    this.current = backup;
    this.josdk = josdk;
    this.services = services;
    this.now = services.clock().instant();
  }

  /** The Backup as last written (its status is the one on the server, not {@link #status()}). */
  Backup backup() {
    return current;
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
    return pending != null ? pending : current.getStatus();
  }

  void update(BackupStatus next) {
    pending = next;
  }

  /** Writes the status computed in this reconcile, if it differs from the server's (the one status write). */
  void flush() {
    if (pending != null) {
      current = services.writer().write(current, josdk, pending);
      pending = null;
    }
  }

  void event(EventType type, Reason reason, String message) {
    services.events().record(current, type, reason, message);
  }

  /** Flushes the status, then removes the finalizer: the Backup goes. */
  void releaseFinalizer() {
    flush();
    if (current.hasFinalizer(ApiConstants.BACKUP_PROTECTION_FINALIZER)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(services.client(), current,
          ApiConstants.BACKUP_PROTECTION_FINALIZER);
    }
  }

  /** "namespace/name", for log lines. */
  String key() {
    return current.getMetadata().getNamespace() + "/" + current.getMetadata().getName();
  }

  static UpdateControl<Backup> done() {
    return UpdateControl.noUpdate();
  }

  static UpdateControl<Backup> after(Duration d) {
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(d);
  }
}
