package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.operator.cluster.LogTaskState;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.StartWatch;
import io.tidbbackup.operator.run.ToolJobs;
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
  static final String CHECKPOINT = "checkpoint/";
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(LogBackupFlow.class);

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
                  BackupContext.CONTAINER,
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
            c.update(LogStatuses.operations(c.status(), cmd, obs.result()));
          }
        }
      }
    }
    if (busy) {
      return BackupContext.after(c.services().intervals().logPoll());
    }
    LogSubCommand next = LogBackupPlan.next(backup.getSpec(), c.status());
    if (next == null) {
      return followCheckpoint();
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
   * A started task (Running or Paused) is followed in PD's etcd every checkpointPoll: its
   * checkpoint and health go to status (LogStatuses.checkpoint); a read that fails is said in
   * LogCheckpoint, never thrown. Events that wake the reconcile in between read nothing.
   */
  private UpdateControl<Backup> followCheckpoint() {
    Backup backup = c.backup();
    String uid = backup.getMetadata().getUid();
    LogBackupPlan.TaskState state = LogBackupPlan.state(c.status());
    if ((state != LogBackupPlan.TaskState.RUNNING && state != LogBackupPlan.TaskState.PAUSED)
        || backup.getSpec().br == null) {
      c.services().reads().forget(CHECKPOINT + uid);
      return BackupContext.done();
    }
    java.time.Duration every = c.services().intervals().checkpointPoll();
    Instant now = c.now();
    java.time.Duration wait = c.services().reads().wait(CHECKPOINT + uid, now, every);
    if (wait != null) {
      return BackupContext.after(wait);
    }
    String task = backup.getMetadata().getName();
    String pd = backup.getSpec().br.pdAddress(backup.getMetadata().getNamespace());
    BackupStatus before = c.status();
    try {
      pd = c.services().clusters().pdAddress(backup, backup.getSpec().br);
      LogTaskState t = c.services().logTasks().read(pd, task);
      c.update(LogStatuses.checkpoint(before, task, t, now));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading PD", e);
    } catch (Exception e) {
      c.update(
          LogStatuses.checkpointUnreadable(
              before,
              "cannot read the log backup task "
                  + task
                  + " from PD's etcd at "
                  + pd
                  + ": "
                  + describe(e)
                  + "; logCheckpointTs is not updated",
              now));
    }
    io.tidbbackup.api.BackupCondition was =
        io.tidbbackup.operator.status.Conditions.find(
            before.conditions, io.tidbbackup.api.ConditionTypes.LOG_CHECKPOINT);
    io.tidbbackup.api.BackupCondition is =
        io.tidbbackup.operator.status.Conditions.find(
            c.status().conditions, io.tidbbackup.api.ConditionTypes.LOG_CHECKPOINT);
    boolean changed = was == null || !java.util.Objects.equals(was.reason, is.reason);
    if (changed) {
      LOG.info(
          "Backup {}: log task {} in PD {}: {} {}{}",
          c.key(),
          task,
          pd,
          is.reason,
          is.status,
          is.message == null ? "" : " (" + is.message + ")");
      if (io.tidbbackup.api.ConditionTypes.FALSE.equals(is.status)) {
        c.event(
            io.tidbbackup.operator.status.EventType.WARNING, Reason.valueOf(is.reason), is.message);
      }
    }
    return BackupContext.after(every);
  }

  /** An exception's innermost message, without the stack. */
  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
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
