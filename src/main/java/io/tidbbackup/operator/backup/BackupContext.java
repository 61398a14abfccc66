package io.tidbbackup.operator.backup;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.operator.kernel.ReconcileContext;
import io.tidbbackup.operator.run.ToolJobs;
import java.time.Duration;

/**
 * One reconcile of one Backup: the kernel's {@link ReconcileContext} (the object, one clock
 * reading, the status written once, the events) with the Backup flows' services, the finalizer
 * release and the start watch.
 */
final class BackupContext extends ReconcileContext<Backup, BackupStatus> {
  /** The main container of a Backup's Jobs. */
  static final String CONTAINER = io.tidbbackup.api.AgentProtocol.BACKUP;

  private final BackupServices services;

  BackupContext(Backup backup, Context<Backup> josdk, BackupServices services) {
    super(backup, josdk, services.writer(), services.events(), services.clock());
    this.services = services;
  }

  /** The Backup as last written (its status is the one on the server, not {@link #status()}). */
  Backup backup() {
    return resource();
  }

  BackupServices services() {
    return services;
  }

  ToolJobs jobs() {
    return services.jobs();
  }

  /** Flushes the status, then removes the finalizer: the Backup goes. */
  void releaseFinalizer() {
    Backup stored = flush();
    String finalizer = io.tidbbackup.operator.surface.ApiSurface.of(stored).finalizer();
    if (stored.hasFinalizer(finalizer)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(services.client(), stored, finalizer);
    }
    // no deletion needs its credentials now (unless another Backup's does)
    BackupSecretHolds.released(stored, services);
  }

  /**
   * Whether the pod of {@code job} (a snapshot backup's, or a log subcommand's: {@code what}) has
   * started, with what that means for the status written: PodStarted=False and one Warning per
   * cause while it waits, PodStarted=True once it started after that. Returns the watch (null: the
   * pod started); the caller fails the Job when it has expired.
   */
  io.tidbbackup.operator.run.StartWatch watchStart(
      io.fabric8.kubernetes.api.model.batch.v1.Job job, String what) {
    return io.tidbbackup.operator.kernel.PodStart.follow(
            this,
            jobs(),
            job,
            services.settings().podStartDeadline(),
            services.intervals().startPoll(),
            io.tidbbackup.operator.kernel.PodStart.inConditions(
                what, BackupStatuses::withCondition))
        .watch();
  }

  static UpdateControl<Backup> done() {
    return UpdateControl.noUpdate();
  }

  static UpdateControl<Backup> after(Duration d) {
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(d);
  }
}
