package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.operator.StartWatch;
import io.tidbbackup.operator.ToolJobs;
import io.tidbbackup.operator.job.JobObservation;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.validation.BackupValidator;
import java.time.Instant;
import java.util.Optional;

/**
 * One reconcile of a log backup: record every finished subcommand Job, wait while one runs, then
 * start the next subcommand that {@link LogBackupPlan} asks for. Log subcommands are not retried
 * (as upstream).
 */
final class LogBackupFlow {
  private final BackupContext c;

  LogBackupFlow(BackupContext c) {
    this.c = c;
  }

  UpdateControl<Backup> run() {
    Backup backup = c.backup();
    Instant now = c.now();
    Optional<String> invalid = BackupValidator.validate(backup.getSpec(), null);
    if (invalid.isPresent()) {
      c.update(BackupStatuses.invalid(c.status(), invalid.get(), now));
      return BackupContext.done();
    }
    boolean busy = false;
    for (LogSubCommand cmd : LogSubCommand.values()) {
      BackupStatus st = c.status();
      ToolJobs.Step step =
          c.jobs()
              .step(
                  c.josdk(),
                  backup,
                  Names.backupJob(backup.getMetadata().getName(), cmd),
                  BackupReconciler.CONTAINER,
                  LogStatuses.started(st, cmd));
      if (step.kind() == ToolJobs.Kind.WAIT) {
        busy = true;
        continue;
      }
      if (step.kind() == ToolJobs.Kind.DELETED) {
        subcommandFailed(
            st, cmd, Reason.JobDeleted, step.deletedMessage("br log " + cmd.brVerb()), null);
        continue;
      }
      if (step.kind() != ToolJobs.Kind.OBSERVED) {
        continue; // ABSENT; TAKEN matters only when this subcommand is to run (BackupJobStart
        // reports it)
      }
      JobObservation obs = step.observation();
      switch (obs.state()) {
        case PENDING, RUNNING -> {
          if (obs.state() == JobObservation.State.RUNNING) {
            c.update(LogStatuses.running(st, cmd, obs.startTime(), now));
          }
          busy = !neverStarted(step.job(), cmd);
        }
        case SUCCEEDED -> {
          if (!LogStatuses.recorded(st, cmd, obs.completionTime())) {
            c.update(
                LogStatuses.complete(
                    st, cmd, obs.result(), obs.startTime(), obs.completionTime(), now));
          }
        }
        case FAILED -> {
          if (!LogStatuses.recorded(st, cmd, obs.completionTime())) {
            subcommandFailed(
                st,
                cmd,
                Reason.LogSubcommandFailed,
                "br log " + cmd.brVerb() + " failed: " + obs.failure(),
                obs.completionTime());
          }
        }
      }
    }
    if (busy) {
      return BackupContext.after(c.services().intervals().logPoll());
    }
    LogSubCommand next = LogBackupPlan.next(backup.getSpec(), c.status());
    if (next == null) {
      return BackupContext.done();
    }
    if (next == LogSubCommand.STOP
        && LogBackupPlan.state(c.status()) == LogBackupPlan.TaskState.NONE) {
      c.update(LogStatuses.stoppedWithoutTask(c.status(), now));
      return BackupContext.done();
    }
    Job old =
        ToolJobs.owned(c.josdk(), backup, Names.backupJob(backup.getMetadata().getName(), next));
    if (old != null) {
      // a finished Job of an earlier round of the same subcommand (pause, resume, pause again):
      // replace it
      c.jobs().deleteForeground(old);
      return BackupContext.after(c.services().intervals().oldJob());
    }
    return BackupJobStart.start(c, next);
  }

  /**
   * Whether this subcommand's pod did not start within the start deadline: then its Job is deleted
   * and the subcommand failed (a log-start that never starts fails the backup); before that, the
   * cause is said in PodStarted (StartWatch) and the poll comes back.
   */
  private boolean neverStarted(Job job, LogSubCommand cmd) {
    StartWatch w = c.watchStart(job, "br log " + cmd.brVerb());
    if (w == null || !w.expired()) {
      return false;
    }
    c.jobs().deleteForeground(job);
    subcommandFailed(
        c.status(),
        cmd,
        Reason.PodNotStarted,
        "br log "
            + cmd.brVerb()
            + " failed: "
            + w.failure(c.services().settings().podStartDeadline()),
        null);
    return true;
  }

  /**
   * Records a failed subcommand. A failed log-start fails the backup (the phase change is its
   * Event); any other leaves the task as it was and the phase too, so a Warning Event says it.
   */
  private void subcommandFailed(
      BackupStatus st, LogSubCommand cmd, Reason reason, String message, String end) {
    c.update(LogStatuses.failed(st, cmd, reason, message, end, c.now()));
    if (cmd != LogSubCommand.START) {
      c.event(io.tidbbackup.operator.status.EventType.WARNING, reason, message);
    }
  }
}
