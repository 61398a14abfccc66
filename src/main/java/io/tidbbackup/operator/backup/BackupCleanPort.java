package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.operator.backup.clean.CleanContext;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Instant;

/**
 * The clean flow's port ({@link CleanContext}) on one Backup reconcile: its context, its services,
 * and the Backup's own status arithmetic and log stop.
 */
final class BackupCleanPort implements CleanContext {
  private final BackupContext c;
  private final BackupServices s;

  BackupCleanPort(BackupContext c) {
    this.c = c;
    this.s = c.services();
  }

  @Override
  public Backup backup() {
    return c.backup();
  }

  @Override
  public Context<Backup> josdk() {
    return c.josdk();
  }

  @Override
  public Instant now() {
    return c.now();
  }

  @Override
  public String key() {
    return c.key();
  }

  @Override
  public BackupStatus status() {
    return c.status();
  }

  @Override
  public void update(BackupStatus next) {
    c.update(next);
  }

  @Override
  public void event(EventType type, Reason reason, String message) {
    c.event(type, reason, message);
  }

  @Override
  public ToolJobs jobs() {
    return c.jobs();
  }

  @Override
  public KubernetesClient client() {
    return s.client();
  }

  @Override
  public InProcessCleaner inProcess() {
    return s.inProcess();
  }

  @Override
  public JobSettings jobSettings() {
    return s.settings();
  }

  @Override
  public CleanJobPolicy cleanPolicy() {
    return s.cleanPolicy();
  }

  @Override
  public CleanMetrics metrics() {
    return s.metrics();
  }

  @Override
  public ReconcileIntervals intervals() {
    return s.intervals();
  }

  @Override
  public BackupStatus withCondition(BackupStatus status, BackupCondition condition) {
    return BackupStatuses.withCondition(status, condition, c.now());
  }

  @Override
  public boolean logTaskRuns() {
    LogBackupPlan.TaskState state = LogBackupPlan.state(c.backup().getStatus());
    return state == LogBackupPlan.TaskState.RUNNING || state == LogBackupPlan.TaskState.PAUSED;
  }

  @Override
  public boolean recordLogStop(JobObservation stop) {
    LogSubCommand cmd = LogSubCommand.STOP;
    if (LogStatuses.recorded(c.status(), cmd, stop.completionTime())) {
      return false;
    }
    c.update(
        stop.state() == JobObservation.State.SUCCEEDED
            ? LogStatuses.complete(
                c.status(), cmd, stop.result(), stop.startTime(), stop.completionTime(), c.now())
            : LogStatuses.failed(
                c.status(),
                cmd,
                Reason.LogSubcommandFailed,
                "br log stop failed: " + stop.failure(),
                stop.completionTime(),
                c.now()));
    return true;
  }

  @Override
  public void startLogStop() {
    BackupJobStart.start(c, LogSubCommand.STOP);
  }

  @Override
  public void releaseFinalizer() {
    c.releaseFinalizer();
  }
}
