package io.tidbbackup.operator.backup;

import static io.tidbbackup.api.ConditionTypes.FALSE;
import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackoffRetryRecord;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.GoDuration;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.status.Sizes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/** Pure status transitions of a Backup. Each returns a new status; the input is never changed. */
public final class BackupStatuses {

  private BackupStatuses() {}

  public static BackupStatus copy(BackupStatus s) {
    return s == null ? new BackupStatus() : Serde.copy(s, BackupStatus.class);
  }

  /** Live progress read from the running backup's log. */
  public static BackupStatus progress(
      BackupStatus s, java.util.List<io.tidbbackup.api.Progress> reported, Instant now) {
    BackupStatus n = copy(s);
    n.progresses = io.tidbbackup.operator.status.Progresses.merge(n.progresses, reported, now);
    return n;
  }

  public static BackupStatus withCondition(BackupStatus s, BackupCondition c, Instant now) {
    BackupStatus n = copy(s);
    Conditions.Applied a = Conditions.upsert(n.conditions, n.phase, c, now);
    n.conditions = a.conditions();
    n.phase = a.phase();
    return n;
  }

  public static BackupStatus invalid(BackupStatus s, String message, Instant now) {
    return withCondition(
        s, Conditions.of(ConditionTypes.INVALID, TRUE, Reason.InvalidSpec, message), now);
  }

  public static BackupStatus scheduled(
      BackupStatus s, String command, String backupPath, String jobName, Instant now) {
    BackupStatus n =
        withCondition(
            s,
            Conditions.ofCommand(
                command,
                ConditionTypes.SCHEDULED,
                TRUE,
                Reason.JobCreated,
                "created Job " + jobName),
            now);
    if (command == null) {
      n.backupPath = backupPath;
    } else if (n.backupPath == null) {
      n.backupPath = backupPath;
    }
    return n;
  }

  public static BackupStatus running(
      BackupStatus s, String command, String startTime, Instant now) {
    BackupStatus n =
        withCondition(
            s,
            Conditions.ofCommand(command, ConditionTypes.RUNNING, TRUE, Reason.JobRunning, null),
            now);
    if (command == null && startTime != null) {
      n.timeStarted = startTime;
    }
    return n;
  }

  /**
   * A snapshot or Dumpling backup finished: commitTs, sizes, path and times from the agent's
   * result.
   */
  public static BackupStatus complete(
      BackupStatus s, AgentResult result, String start, String end, Instant now) {
    String msg =
        result == null || result.commitTs == null
            ? "the backup Job succeeded but its pod's result could not be read; commitTs and size are unknown"
            : null;
    BackupStatus n =
        withCondition(
            s, Conditions.of(ConditionTypes.COMPLETE, TRUE, Reason.BackupComplete, msg), now);
    if (result != null) {
      n.progresses =
          io.tidbbackup.operator.status.Progresses.merge(n.progresses, result.progresses, now);
      n.commitTs = result.commitTs;
      if (result.backupSize != null) {
        n.backupSize = result.backupSize;
        n.backupSizeReadable = Sizes.humanBytes(result.backupSize);
      }
      if (result.backupPath != null) {
        n.backupPath = result.backupPath;
      }
    }
    n.timeStarted = start != null ? start : n.timeStarted;
    n.timeCompleted = end != null ? end : Timestamps.format(now);
    n.timeTaken = timeTaken(n.timeStarted, n.timeCompleted);
    return n;
  }

  public static BackupStatus failed(
      BackupStatus s, String command, Reason reason, String message, Instant now) {
    BackupStatus n =
        withCondition(
            s, Conditions.ofCommand(command, ConditionTypes.FAILED, TRUE, reason, message), now);
    if (command == null && n.timeCompleted == null) {
      n.timeCompleted = Timestamps.format(now);
      n.timeTaken = timeTaken(n.timeStarted, n.timeCompleted);
    }
    return n;
  }

  /** A failed Job will be retried at record.expectedRetryAt. */
  public static BackupStatus retryScheduled(
      BackupStatus s, BackoffRetryRecord record, String failure, Instant now) {
    BackupStatus n =
        withCondition(
            s,
            Conditions.of(
                ConditionTypes.RETRY_FAILED,
                TRUE,
                Reason.BackupJobFailed,
                "attempt failed, retry "
                    + record.retryNum
                    + " at "
                    + record.expectedRetryAt
                    + ": "
                    + failure),
            now);
    n.backoffRetryStatus =
        n.backoffRetryStatus == null ? new ArrayList<>() : new ArrayList<>(n.backoffRetryStatus);
    n.backoffRetryStatus.add(record);
    return n;
  }

  /**
   * The failed Job is being replaced: realRetryAt and a Restart condition (which keeps the phase).
   */
  public static BackupStatus retrying(BackupStatus s, Instant now) {
    BackupStatus n = copy(s);
    BackoffRetryRecord last = n.backoffRetryStatus.get(n.backoffRetryStatus.size() - 1);
    last.realRetryAt = Timestamps.format(now);
    return withCondition(
        n,
        Conditions.of(
            ConditionTypes.RESTART,
            TRUE,
            Reason.RetryFailedBackup,
            "retry " + last.retryNum + ": replacing the failed Job"),
        now);
  }

  /** The retry still waiting for its time, or null. */
  public static BackoffRetryRecord pendingRetry(BackupStatus s) {
    if (s == null || s.backoffRetryStatus == null || s.backoffRetryStatus.isEmpty()) {
      return null;
    }
    BackoffRetryRecord last = s.backoffRetryStatus.get(s.backoffRetryStatus.size() - 1);
    return last.realRetryAt == null ? last : null;
  }

  static String timeTaken(String start, String end) {
    Instant a = Timestamps.parse(start);
    Instant b = Timestamps.parse(end);
    return a == null || b == null ? null : GoDuration.format(Duration.between(a, b));
  }

  public static boolean isFalse(BackupCondition c) {
    return c != null && FALSE.equals(c.status);
  }
}
