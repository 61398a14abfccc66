package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.operator.ToolJobs;
import io.tidbbackup.operator.job.JobObservation;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.validation.BackupValidator;
import java.time.Instant;
import java.util.Optional;

/**
 * One reconcile of a log backup: record every finished subcommand Job, wait while one runs, then start the
 * next subcommand that {@link LogBackupPlan} asks for. Log subcommands are not retried (as upstream).
 */
final class LogBackupFlow {
  private final BackupReconciler r;
  private final Backup backup;
  private final Context<Backup> ctx;

  LogBackupFlow(BackupReconciler r, Backup backup, Context<Backup> ctx) {
    this.r = r;
    this.backup = backup;
    this.ctx = ctx;
  }

  UpdateControl<Backup> run() {
    Instant now = r.now();
    Optional<String> invalid = BackupValidator.validate(backup.getSpec(), null);
    if (invalid.isPresent()) {
      r.writer().write(backup, ctx, BackupStatuses.invalid(backup.getStatus(), invalid.get(), now));
      return UpdateControl.noUpdate();
    }
    Backup current = backup;
    boolean busy = false;
    for (LogSubCommand cmd : LogSubCommand.values()) {
      BackupStatus st = current.getStatus();
      ToolJobs.Step step = r.jobs().step(ctx, backup, Names.backupJob(backup.getMetadata().getName(), cmd),
          BackupReconciler.CONTAINER, LogStatuses.started(st, cmd));
      if (step.kind() == ToolJobs.Kind.WAIT) {
        busy = true;
        continue;
      }
      if (step.kind() == ToolJobs.Kind.DELETED) {
        current = r.writer().write(current, ctx, LogStatuses.failed(st, cmd, "JobDeleted",
            step.deletedMessage("br log " + cmd.brVerb()), null, now));
        continue;
      }
      if (step.kind() != ToolJobs.Kind.OBSERVED) {
        continue; // ABSENT; TAKEN matters only when this subcommand is to run (createJob reports it)
      }
      JobObservation obs = step.observation();
      switch (obs.state()) {
        case PENDING -> busy = true;
        case RUNNING -> {
          busy = true;
          current = r.writer().write(current, ctx, LogStatuses.running(st, cmd, obs.startTime(), now));
        }
        case SUCCEEDED -> {
          if (!LogStatuses.recorded(st, cmd, obs.completionTime())) {
            current = r.writer().write(current, ctx,
                LogStatuses.complete(st, cmd, obs.result(), obs.startTime(), obs.completionTime(), now));
          }
        }
        case FAILED -> {
          if (!LogStatuses.recorded(st, cmd, obs.completionTime())) {
            current = r.writer().write(current, ctx, LogStatuses.failed(st, cmd, "LogSubcommandFailed",
                "br log " + cmd.brVerb() + " failed: " + obs.failure(), obs.completionTime(), now));
          }
        }
      }
    }
    if (busy) {
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(BackupReconciler.LOG_WAIT);
    }
    LogSubCommand next = LogBackupPlan.next(current.getSpec(), current.getStatus());
    if (next == null) {
      return UpdateControl.noUpdate();
    }
    if (next == LogSubCommand.STOP && LogBackupPlan.state(current.getStatus()) == LogBackupPlan.TaskState.NONE) {
      r.writer().write(current, ctx, LogStatuses.stoppedWithoutTask(current.getStatus(), now));
      return UpdateControl.noUpdate();
    }
    Job old = ToolJobs.owned(ctx, backup, Names.backupJob(backup.getMetadata().getName(), next));
    if (old != null) {
      // a finished Job of an earlier round of the same subcommand (pause, resume, pause again): replace it
      r.jobs().deleteForeground(old);
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
    }
    return r.createJob(current, ctx, next);
  }
}
