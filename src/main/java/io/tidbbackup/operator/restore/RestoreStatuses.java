package io.tidbbackup.operator.restore;

import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.GoDuration;
import io.tidbbackup.api.Progress;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.status.BrOperations;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.Progresses;
import io.tidbbackup.operator.status.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Pure status transitions of a Restore. Each returns a new status; the input is never changed. */
public final class RestoreStatuses {

  private RestoreStatuses() {}

  public static RestoreStatus copy(RestoreStatus s) {
    return s == null ? new RestoreStatus() : Serde.copy(s, RestoreStatus.class);
  }

  public static RestoreStatus withCondition(RestoreStatus s, BackupCondition c, Instant now) {
    RestoreStatus n = copy(s);
    Conditions.Applied a = Conditions.upsert(n.conditions, n.phase, c, now);
    n.conditions = a.conditions();
    n.phase = a.phase();
    return n;
  }

  public static RestoreStatus invalid(RestoreStatus s, String message, Instant now) {
    return withCondition(
        s, Conditions.of(ConditionTypes.INVALID, TRUE, Reason.InvalidSpec, message), now);
  }

  public static RestoreStatus scheduled(RestoreStatus s, String jobName, Instant now) {
    return withCondition(
        s,
        Conditions.of(ConditionTypes.SCHEDULED, TRUE, Reason.JobCreated, "created Job " + jobName),
        now);
  }

  public static RestoreStatus running(RestoreStatus s, String startTime, Instant now) {
    RestoreStatus n =
        withCondition(s, Conditions.of(ConditionTypes.RUNNING, TRUE, Reason.JobRunning, null), now);
    if (startTime != null) {
      n.timeStarted = startTime;
    }
    return n;
  }

  /** The restore finished: commitTs, progress and times from the agent's result and the Job. */
  public static RestoreStatus complete(
      RestoreStatus s, AgentResult result, String start, String end, Instant now) {
    String msg =
        result == null ? "the restore Job succeeded but its pod's result could not be read" : null;
    RestoreStatus n =
        withCondition(
            s, Conditions.of(ConditionTypes.COMPLETE, TRUE, Reason.RestoreComplete, msg), now);
    if (result != null) {
      if (result.commitTs != null) {
        n.commitTs = result.commitTs;
      }
      n.progresses = Progresses.merge(n.progresses, result.progresses, now);
      n.brOperations = BrOperations.merge(n.brOperations, result.brOperations);
    }
    finish(n, start, end, now);
    return n;
  }

  public static RestoreStatus failed(
      RestoreStatus s,
      Reason reason,
      String message,
      AgentResult result,
      String start,
      String end,
      Instant now) {
    RestoreStatus n =
        withCondition(s, Conditions.of(ConditionTypes.FAILED, TRUE, reason, message), now);
    if (result != null) {
      n.progresses = Progresses.merge(n.progresses, result.progresses, now);
      n.brOperations = BrOperations.merge(n.brOperations, result.brOperations);
    }
    finish(n, start, end, now);
    return n;
  }

  /**
   * The BR operations observed while the restore runs, merged as TiDB Operator does ({@link
   * BrOperations}); {@code s} itself when none is new.
   */
  public static RestoreStatus operations(RestoreStatus s, List<io.tidbbackup.api.BrOperation> ops) {
    List<io.tidbbackup.api.BrOperation> before = s == null ? null : s.brOperations;
    List<io.tidbbackup.api.BrOperation> after = BrOperations.merge(before, ops);
    if (after == before) {
      return s;
    }
    RestoreStatus n = copy(s);
    n.brOperations = after;
    return n;
  }

  private static void finish(RestoreStatus n, String start, String end, Instant now) {
    n.timeStarted = start != null ? start : n.timeStarted;
    n.timeCompleted = end != null ? end : Timestamps.format(now);
    Instant a = Timestamps.parse(n.timeStarted);
    Instant b = Timestamps.parse(n.timeCompleted);
    n.timeTaken = a == null || b == null ? null : GoDuration.format(Duration.between(a, b));
  }

  /** Live progress read from the running restore's log. */
  public static RestoreStatus progress(RestoreStatus s, List<Progress> reported, Instant now) {
    RestoreStatus n = copy(s);
    n.progresses = Progresses.merge(n.progresses, reported, now);
    return n;
  }
}
