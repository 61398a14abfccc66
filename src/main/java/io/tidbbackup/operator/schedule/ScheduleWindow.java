package io.tidbbackup.operator.schedule;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.RecoveryWindow;
import io.tidbbackup.operator.recovery.Restorable;
import io.tidbbackup.operator.recovery.Tso;
import io.tidbbackup.operator.recovery.WindowReport;
import java.util.List;
import java.util.Objects;

/**
 * Pure: a schedule's recovery window, from its children (snapshot backups and its log backup) and
 * where its newest Complete compaction ends.
 */
public final class ScheduleWindow {
  private ScheduleWindow() {}

  public static RecoveryWindow of(List<Backup> children, List<CompactBackup> compacts) {
    List<Restorable> facts =
        children.stream().map(Restorable::of).filter(Objects::nonNull).toList();
    Long compacted =
        compacts.stream()
            .filter(
                c -> c.getStatus() != null && ConditionTypes.COMPLETE.equals(c.getStatus().state))
            .map(c -> c.getSpec() == null ? null : Tso.of(c.getSpec().endTs))
            .filter(Objects::nonNull)
            .max(Long::compare)
            .orElse(null);
    return WindowReport.of(facts, compacted);
  }
}
