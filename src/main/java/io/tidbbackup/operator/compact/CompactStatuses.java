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

  /**
   * An Indexed Job's shards done and failed (Kubernetes' interval notation, {@code 0-2,4}); null
   * keeps what was recorded.
   */
  public static CompactStatus indexes(CompactStatus s, String completed, String failed) {
    CompactStatus n = s == null ? new CompactStatus() : Serde.copy(s, CompactStatus.class);
    n.completedIndexes = completed != null && !completed.isEmpty() ? completed : n.completedIndexes;
    n.failedIndexes = failed != null && !failed.isEmpty() ? failed : n.failedIndexes;
    return n;
  }

  /** tikv-ctl's progress text ({@code [READ_META(a/b),COMPACT_WORK(c/d)]}, as TiDB Operator). */
  public static CompactStatus progress(CompactStatus s, String text) {
    CompactStatus n = Serde.copy(s, CompactStatus.class);
    n.progress = text;
    return n;
  }

  /** A sharded compaction's progress: how many of its shards are done. */
  public static CompactStatus shardProgress(CompactStatus s, int shards) {
    return progress(s, count(s.completedIndexes) + "/" + shards + " shards done");
  }

  /** How many indexes an interval list ({@code 0-2,4}) holds. */
  static int count(String indexes) {
    if (indexes == null || indexes.isBlank()) {
      return 0;
    }
    int n = 0;
    for (String part : indexes.split(",")) {
      String[] r = part.trim().split("-");
      try {
        n += r.length == 2 ? Integer.parseInt(r[1]) - Integer.parseInt(r[0]) + 1 : 1;
      } catch (NumberFormatException e) {
        n += 1;
      }
    }
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
