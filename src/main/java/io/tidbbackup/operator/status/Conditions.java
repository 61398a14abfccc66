package io.tidbbackup.operator.status;

import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Pure condition arithmetic, as TiDB Operator's UpdateBackupCondition: a condition replaces the one
 * of the same type; its lastTransitionTime moves only when its status flips; the phase becomes the
 * condition's type (except for the {@link #MARKERS}).
 */
public final class Conditions {

  /**
   * Conditions that record an event without changing the phase: a retried backup ({@code Restart}),
   * a pod that cannot start ({@code PodStarted}), and the prune that follows a failed restore, so
   * that a pruned restore still reads {@code Failed}.
   */
  public static final Set<String> MARKERS =
      Set.of(
          ConditionTypes.RESTART,
          ConditionTypes.POD_STARTED,
          ConditionTypes.LOG_CHECKPOINT,
          ConditionTypes.RECONCILE_ERROR,
          ConditionTypes.BACKUP_NOW,
          ConditionTypes.BACKUP_SOURCE_CHOSEN,
          ConditionTypes.PRUNE_SCHEDULED,
          ConditionTypes.PRUNE_COMPLETE,
          ConditionTypes.PRUNE_FAILED);

  private Conditions() {}

  /** Result of an upsert: the new list and the new phase. */
  public record Applied(List<BackupCondition> conditions, String phase) {}

  public static Applied upsert(
      List<BackupCondition> current, String phase, BackupCondition c, Instant now) {
    List<BackupCondition> out = current == null ? new ArrayList<>() : new ArrayList<>(current);
    BackupCondition next = copy(c);
    int i = indexOf(out, c.type);
    if (i >= 0) {
      BackupCondition old = out.get(i);
      next.lastTransitionTime =
          Objects.equals(old.status, next.status) && old.lastTransitionTime != null
              ? old.lastTransitionTime
              : Timestamps.format(now);
      out.set(i, next);
    } else {
      next.lastTransitionTime = Timestamps.format(now);
      out.add(next);
    }
    String newPhase = MARKERS.contains(c.type) ? phase : c.type;
    return new Applied(out, newPhase);
  }

  public static BackupCondition find(List<BackupCondition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    int i = indexOf(conditions, type);
    return i < 0 ? null : conditions.get(i);
  }

  public static boolean isTrue(List<BackupCondition> conditions, String type) {
    BackupCondition c = find(conditions, type);
    return c != null && ConditionTypes.TRUE.equals(c.status);
  }

  public static BackupCondition of(String type, String status, Reason reason, String message) {
    return new BackupCondition(type, status, Reason.wire(reason), message);
  }

  public static BackupCondition ofCommand(
      String command, String type, String status, Reason reason, String message) {
    BackupCondition c = new BackupCondition(type, status, Reason.wire(reason), message);
    c.command = command;
    return c;
  }

  private static int indexOf(List<BackupCondition> list, String type) {
    for (int i = 0; i < list.size(); i++) {
      if (Objects.equals(list.get(i).type, type)) {
        return i;
      }
    }
    return -1;
  }

  private static BackupCondition copy(BackupCondition c) {
    BackupCondition n = new BackupCondition(c.type, c.status, c.reason, c.message);
    n.command = c.command;
    n.lastTransitionTime = c.lastTransitionTime;
    return n;
  }
}
