package io.tidbbackup.operator.compact;

import io.tidbbackup.api.CompactStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;

/**
 * Pure state transitions of a CompactBackup (its status has a state and a message, no conditions).
 */
public final class CompactStatuses {

  private CompactStatuses() {}

  static CompactStatus with(CompactStatus s, String state, String message) {
    CompactStatus n = s == null ? new CompactStatus() : Serde.copy(s, CompactStatus.class);
    n.state = state;
    n.message = message;
    return n;
  }

  public static CompactStatus invalid(CompactStatus s, String message) {
    return with(s, ConditionTypes.INVALID, message);
  }

  public static CompactStatus scheduled(CompactStatus s, String job) {
    return with(s, ConditionTypes.SCHEDULED, "created Job " + job);
  }

  public static CompactStatus running(CompactStatus s, String start) {
    CompactStatus n = with(s, ConditionTypes.RUNNING, null);
    n.timeStarted = start;
    return n;
  }

  public static CompactStatus complete(CompactStatus s, String endTs, String start, String end) {
    CompactStatus n = with(s, ConditionTypes.COMPLETE, null);
    n.endTs = endTs;
    n.progress = "100%";
    n.timeStarted = start != null ? start : n.timeStarted;
    n.timeCompleted = end;
    return n;
  }

  public static CompactStatus failed(CompactStatus s, String message, String start, String end) {
    CompactStatus n = with(s, ConditionTypes.FAILED, message);
    n.timeStarted = start != null ? start : n.timeStarted;
    n.timeCompleted = end;
    return n;
  }
}
