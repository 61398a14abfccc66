package io.tidbbackup.operator.recovery;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.ConditionTypes;
import java.util.Objects;

/**
 * What one BR Backup offers a restore, read from its status: a snapshot's commitTs, or a log
 * backup's start, truncation point and checkpoint. Small, so that the metrics can keep one per
 * Backup.
 *
 * @param checkpointProblem a log backup's LogCheckpoint condition's message while it is False (the
 *     task paused by an error, gone, or unreadable), else null
 */
public record Restorable(
    String name,
    boolean log,
    String phase,
    Long commitTs,
    Long truncatedUntil,
    Long checkpoint,
    String checkpointProblem,
    String path,
    String cluster,
    String clusterNamespace) {

  /** A BR Backup's facts, or null for what restores cannot use (Dumpling, being deleted). */
  public static Restorable of(Backup b) {
    if (b.getSpec() == null
        || b.getSpec().br == null
        || b.getMetadata().getDeletionTimestamp() != null) {
      return null;
    }
    var st = b.getStatus();
    boolean log = b.getSpec().backupMode == BackupMode.LOG;
    String problem = null;
    if (log && st != null && st.conditions != null) {
      for (BackupCondition c : st.conditions) {
        if (ConditionTypes.LOG_CHECKPOINT.equals(c.type) && ConditionTypes.FALSE.equals(c.status)) {
          problem = Objects.toString(c.message, c.reason);
        }
      }
    }
    return new Restorable(
        b.getMetadata().getName(),
        log,
        st == null ? null : st.phase,
        st == null ? null : Tso.of(st.commitTs),
        st == null ? null : Tso.of(st.logSuccessTruncateUntil),
        st == null ? null : Tso.of(st.logCheckpointTs),
        problem,
        st == null ? null : st.backupPath,
        Objects.toString(b.getSpec().br.cluster, ""),
        Objects.toString(b.getSpec().br.clusterNamespace, ""));
  }

  /** A snapshot backup that can be restored: Complete, with its commitTs. */
  public boolean completeSnapshot() {
    return !log && ConditionTypes.COMPLETE.equals(phase) && commitTs != null;
  }

  /**
   * A log backup's restorable log data: from the later of its start and its truncation point, to
   * its checkpoint; null when it has neither start nor checkpoint.
   */
  public Long logFrom() {
    if (!log || commitTs == null || checkpoint == null) {
      return null;
    }
    return truncatedUntil != null && truncatedUntil > commitTs ? truncatedUntil : commitTs;
  }
}
