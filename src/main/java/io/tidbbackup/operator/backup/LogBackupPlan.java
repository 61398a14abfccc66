package io.tidbbackup.operator.backup;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.LogSubCommandStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pure planning of a log backup: from the spec (desired state) and the completed subcommands in
 * status (actual state of the BR log task), which {@code br log} subcommand to run next, or none
 * when in sync. Same intent as TiDB Operator's ParseLogBackupSubcommand: log-start while paused
 * resumes; a truncate runs when logTruncateUntil moves (logSubcommand log-truncate truncates and
 * leaves the task as it is). A stopped task is final: create a new Backup to start again. A
 * subcommand that failed is not re-run by itself: change logSubcommand (or logTruncateUntil) to ask
 * again.
 */
public final class LogBackupPlan {

  /** State of the BR log task. */
  public enum TaskState {
    NONE,
    RUNNING,
    PAUSED,
    STOPPED
  }

  private static final List<LogSubCommand> STATEFUL =
      List.of(LogSubCommand.START, LogSubCommand.RESUME, LogSubCommand.PAUSE, LogSubCommand.STOP);

  private LogBackupPlan() {}

  public static TaskState state(BackupStatus status) {
    Map<String, LogSubCommandStatus> subs = status == null ? null : status.logSubCommandStatuses;
    if (subs == null) {
      return TaskState.NONE;
    }
    LogSubCommand last = null;
    String lastTime = null;
    for (LogSubCommand c : STATEFUL) {
      LogSubCommandStatus s = subs.get(c.value());
      if (s != null
          && ConditionTypes.COMPLETE.equals(s.phase)
          && s.timeCompleted != null
          && (lastTime == null || s.timeCompleted.compareTo(lastTime) >= 0)) {
        last = c;
        lastTime = s.timeCompleted;
      }
    }
    if (last == null) {
      return TaskState.NONE;
    }
    return switch (last) {
      case START, RESUME -> TaskState.RUNNING;
      case PAUSE -> TaskState.PAUSED;
      default -> TaskState.STOPPED;
    };
  }

  /**
   * The subcommand to run next, or null when the task is where the spec wants it (or a failure
   * halts it).
   */
  public static LogSubCommand next(BackupSpec spec, BackupStatus status) {
    TaskState state = state(status);
    LogSubCommand wanted;
    if (Boolean.TRUE.equals(spec.logStop) || spec.logSubcommand == LogSubCommand.STOP) {
      wanted =
          switch (state) {
            case RUNNING, PAUSED, NONE -> LogSubCommand.STOP;
            case STOPPED -> null;
          };
    } else if (spec.logSubcommand == LogSubCommand.PAUSE) {
      wanted =
          switch (state) {
            case NONE -> LogSubCommand.START;
            case RUNNING -> LogSubCommand.PAUSE;
            default -> null;
          };
    } else if (spec.logSubcommand == LogSubCommand.TRUNCATE) {
      wanted = null; // truncate only: the task stays as it is
    } else {
      wanted =
          switch (state) {
            case NONE -> LogSubCommand.START;
            case PAUSED -> LogSubCommand.RESUME;
            default -> null;
          };
    }
    if (wanted == null && state != TaskState.NONE && truncateWanted(spec, status)) {
      wanted = LogSubCommand.TRUNCATE;
    }
    if (wanted != null && failed(status, wanted, spec)) {
      return null;
    }
    return wanted;
  }

  static boolean truncateWanted(BackupSpec spec, BackupStatus status) {
    return spec.logTruncateUntil != null
        && !spec.logTruncateUntil.isEmpty()
        && !Objects.equals(spec.logTruncateUntil, status.logSuccessTruncateUntil);
  }

  static boolean failed(BackupStatus status, LogSubCommand cmd, BackupSpec spec) {
    if (status == null || status.logSubCommandStatuses == null) {
      return false;
    }
    LogSubCommandStatus s = status.logSubCommandStatuses.get(cmd.value());
    if (s == null || !ConditionTypes.FAILED.equals(s.phase)) {
      return false;
    }
    return cmd != LogSubCommand.TRUNCATE
        || Objects.equals(s.logTruncatingUntil, spec.logTruncateUntil);
  }
}
