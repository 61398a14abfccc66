package io.tidbbackup.operator.backup;

import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.LogSubCommandStatus;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.cluster.LogTaskState;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Pure status transitions of a log backup: per-subcommand status plus the top-level condition and
 * phase.
 */
public final class LogStatuses {

  private LogStatuses() {}

  public static BackupStatus scheduled(
      BackupStatus s,
      LogSubCommand cmd,
      BackupSpec spec,
      String backupPath,
      String jobName,
      Instant now) {
    BackupStatus n = BackupStatuses.scheduled(s, cmd.value(), backupPath, jobName, now);
    LogSubCommandStatus sub = new LogSubCommandStatus();
    sub.command = cmd.value();
    sub.phase = ConditionTypes.SCHEDULED;
    if (cmd == LogSubCommand.TRUNCATE) {
      sub.logTruncatingUntil = spec.logTruncateUntil;
    }
    return withSub(
        n,
        sub,
        Conditions.ofCommand(cmd.value(), ConditionTypes.SCHEDULED, TRUE, Reason.JobCreated, null),
        now);
  }

  public static BackupStatus running(
      BackupStatus s, LogSubCommand cmd, String startTime, Instant now) {
    BackupStatus n = BackupStatuses.running(s, cmd.value(), startTime, now);
    LogSubCommandStatus sub = sub(n, cmd);
    sub.phase = ConditionTypes.RUNNING;
    sub.timeStarted = startTime;
    return withSub(
        n,
        sub,
        Conditions.ofCommand(cmd.value(), ConditionTypes.RUNNING, TRUE, Reason.JobRunning, null),
        now);
  }

  /**
   * The subcommand finished: record it and move the phase as TiDB Operator v1.6 does
   * (pkg/controller/backup_status_updater.go, updateWholeLogBackupStatus): a started or resumed
   * task reads Running, a paused one Paused, a stopped one Stopped; a truncate leaves the task's
   * phase as it was. A log backup is never Complete: its task runs until stopped.
   */
  public static BackupStatus complete(
      BackupStatus s,
      LogSubCommand cmd,
      AgentResult result,
      String start,
      String end,
      Instant now) {
    String type =
        switch (cmd) {
          case START, RESUME -> ConditionTypes.RUNNING;
          case PAUSE -> ConditionTypes.PAUSED;
          case STOP -> ConditionTypes.STOPPED;
          case TRUNCATE -> null;
        };
    BackupStatus n =
        type == null
            ? BackupStatuses.copy(s)
            : BackupStatuses.withCondition(
                s,
                Conditions.ofCommand(
                    cmd.value(),
                    type,
                    TRUE,
                    Reason.LogSubcommandComplete,
                    "br log " + cmd.brVerb() + " succeeded"),
                now);
    LogSubCommandStatus sub = sub(n, cmd);
    sub.phase = ConditionTypes.COMPLETE;
    sub.timeStarted = start != null ? start : sub.timeStarted;
    sub.timeCompleted = end != null ? end : Timestamps.format(now);
    if (cmd == LogSubCommand.START) {
      n.commitTs = result != null && result.commitTs != null ? result.commitTs : n.commitTs;
      n.timeStarted = sub.timeStarted;
      if (result != null && result.backupPath != null) {
        n.backupPath = result.backupPath;
      }
    }
    if (cmd == LogSubCommand.STOP) {
      n.timeCompleted = sub.timeCompleted;
    }
    if (cmd == LogSubCommand.TRUNCATE) {
      n.logSuccessTruncateUntil = sub.logTruncatingUntil;
      // its own Scheduled/Running moved the phase: back to the task's
      n = withTaskPhase(n, now);
      n = operations(n, cmd, result);
    }
    return withSub(
        n, sub, Conditions.ofCommand(cmd.value(), ConditionTypes.COMPLETE, TRUE, null, null), now);
  }

  /**
   * A {@code log truncate}'s BR operations merged into status.brOperations (TiDB Operator 1.6.6
   * writes them for that subcommand alone, whether it succeeded or failed); {@code s} itself
   * otherwise or when none is new.
   */
  public static BackupStatus operations(BackupStatus s, LogSubCommand cmd, AgentResult result) {
    if (cmd != LogSubCommand.TRUNCATE || result == null || s == null) {
      return s;
    }
    var after =
        io.tidbbackup.operator.status.BrOperations.merge(s.brOperations, result.brOperations);
    if (after == s.brOperations) {
      return s;
    }
    BackupStatus n = BackupStatuses.copy(s);
    n.brOperations = after;
    return n;
  }

  /** A stop asked of a task that never started: nothing to stop. */
  public static BackupStatus stoppedWithoutTask(BackupStatus s, Instant now) {
    BackupStatus n =
        BackupStatuses.withCondition(
            s,
            Conditions.ofCommand(
                LogSubCommand.STOP.value(),
                ConditionTypes.STOPPED,
                TRUE,
                Reason.NeverStarted,
                "the log backup task was never started; nothing to stop"),
            now);
    LogSubCommandStatus sub = sub(n, LogSubCommand.STOP);
    sub.phase = ConditionTypes.COMPLETE;
    sub.timeCompleted = Timestamps.format(now);
    return withSub(
        n,
        sub,
        Conditions.ofCommand(
            LogSubCommand.STOP.value(), ConditionTypes.COMPLETE, TRUE, Reason.NeverStarted, null),
        now);
  }

  /**
   * The subcommand failed ({@code reason} LogSubcommandFailed, or JobDeleted when its Job
   * vanished).
   */
  public static BackupStatus failed(
      BackupStatus s, LogSubCommand cmd, Reason reason, String message, String end, Instant now) {
    // only a log-start that failed fails the backup (its task never ran); a failed truncate, pause,
    // resume or stop leaves the task as it was: the failure lives in logSubCommandStatuses, and the
    // phase goes back to the task's (a healthy log backup never reads Failed)
    BackupStatus n =
        cmd == LogSubCommand.START
            ? BackupStatuses.failed(s, cmd.value(), reason, message, now)
            : withTaskPhase(BackupStatuses.copy(s), now);
    LogSubCommandStatus sub = sub(n, cmd);
    sub.phase = ConditionTypes.FAILED;
    sub.timeCompleted = end != null ? end : Timestamps.format(now);
    return withSub(
        n,
        sub,
        Conditions.ofCommand(cmd.value(), ConditionTypes.FAILED, TRUE, reason, message),
        now);
  }

  /** The phase of the task's last completed state (Running, Paused, Stopped), re-applied. */
  static BackupStatus withTaskPhase(BackupStatus n, Instant now) {
    String type =
        switch (LogBackupPlan.state(n)) {
          case RUNNING -> ConditionTypes.RUNNING;
          case PAUSED -> ConditionTypes.PAUSED;
          case STOPPED -> ConditionTypes.STOPPED;
          case NONE -> null;
        };
    io.tidbbackup.api.BackupCondition c = type == null ? null : Conditions.find(n.conditions, type);
    if (c == null) {
      return n;
    }
    Conditions.Applied a = Conditions.upsert(n.conditions, n.phase, c, now);
    n.conditions = a.conditions();
    n.phase = a.phase();
    return n;
  }

  /**
   * What PD's etcd says about a started task: its checkpoint ({@code logCheckpointTs}, with {@code
   * timeSynced} the time it was read, both moving only when the checkpoint does) and its health in
   * the {@code LogCheckpoint} condition: False when the task is gone from PD or an error paused it.
   */
  public static BackupStatus checkpoint(BackupStatus s, String task, LogTaskState t, Instant now) {
    BackupStatus n = BackupStatuses.copy(s);
    if (t.checkpointTs() != null) {
      String ts = Long.toUnsignedString(t.checkpointTs());
      if (!ts.equals(n.logCheckpointTs)) {
        n.logCheckpointTs = ts;
        n.timeSynced = Timestamps.format(now);
      }
    }
    io.tidbbackup.api.BackupCondition c;
    if (!t.taskExists()) {
      c =
          Conditions.of(
              ConditionTypes.LOG_CHECKPOINT,
              ConditionTypes.FALSE,
              Reason.LogTaskNotFound,
              "the log backup task "
                  + task
                  + " is not in PD: it was stopped or deleted outside this Backup; no log is being"
                  + " backed up");
    } else if (t.paused() && t.pauseError() != null) {
      c =
          Conditions.of(
              ConditionTypes.LOG_CHECKPOINT,
              ConditionTypes.FALSE,
              Reason.LogTaskPausedByError,
              "TiKV paused the log backup task after an error ("
                  + t.pauseError()
                  + "); its checkpoint no longer advances: fix the cause, then pause and resume the"
                  + " task (spec.logSubcommand)");
    } else {
      c =
          Conditions.of(
              ConditionTypes.LOG_CHECKPOINT,
              ConditionTypes.TRUE,
              Reason.CheckpointRead,
              t.lastError() == null ? null : "last error reported: " + t.lastError());
    }
    return BackupStatuses.withCondition(n, c, now);
  }

  /** The task's keys could not be read from PD: said, with the checkpoint kept as it was. */
  public static BackupStatus checkpointUnreadable(BackupStatus s, String message, Instant now) {
    return BackupStatuses.withCondition(
        s,
        Conditions.of(
            ConditionTypes.LOG_CHECKPOINT,
            ConditionTypes.FALSE,
            Reason.CheckpointUnreadable,
            message),
        now);
  }

  /**
   * Whether the subcommand's Job was created and has not finished (its status is Scheduled or
   * Running).
   */
  public static boolean started(BackupStatus s, LogSubCommand cmd) {
    LogSubCommandStatus sub =
        s == null || s.logSubCommandStatuses == null
            ? null
            : s.logSubCommandStatuses.get(cmd.value());
    return sub != null
        && (ConditionTypes.SCHEDULED.equals(sub.phase) || ConditionTypes.RUNNING.equals(sub.phase));
  }

  /** True when this finished Job's outcome is already in the subcommand's status. */
  public static boolean recorded(BackupStatus s, LogSubCommand cmd, String completionTime) {
    LogSubCommandStatus sub =
        s == null || s.logSubCommandStatuses == null
            ? null
            : s.logSubCommandStatuses.get(cmd.value());
    return sub != null
        && (ConditionTypes.COMPLETE.equals(sub.phase) || ConditionTypes.FAILED.equals(sub.phase))
        && Objects.equals(sub.timeCompleted, completionTime);
  }

  static LogSubCommandStatus sub(BackupStatus n, LogSubCommand cmd) {
    LogSubCommandStatus old =
        n.logSubCommandStatuses == null ? null : n.logSubCommandStatuses.get(cmd.value());
    LogSubCommandStatus sub = new LogSubCommandStatus();
    sub.command = cmd.value();
    if (old != null) {
      sub.timeStarted = old.timeStarted;
      sub.timeCompleted = old.timeCompleted;
      sub.logTruncatingUntil = old.logTruncatingUntil;
      sub.phase = old.phase;
      sub.conditions = old.conditions;
    }
    return sub;
  }

  static BackupStatus withSub(
      BackupStatus n, LogSubCommandStatus sub, io.tidbbackup.api.BackupCondition c, Instant now) {
    sub.conditions =
        Conditions.upsert(
                sub.conditions == null ? new ArrayList<>() : sub.conditions, sub.phase, c, now)
            .conditions();
    n.logSubCommandStatuses =
        n.logSubCommandStatuses == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(n.logSubCommandStatuses);
    n.logSubCommandStatuses.put(sub.command, sub);
    return n;
  }
}
