package io.tidbbackup.operator.backup.clean;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.CleanPolicy;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.LogSubCommandStatus;
import io.tidbbackup.operator.status.Conditions;

/** Pure rules of cleanPolicy (TiDB Operator §3.1, §3.4). */
public final class CleanPolicies {

  private CleanPolicies() {}

  /**
   * Log backups always (their task must be stopped); others with Delete or OnFailure. Retain: no
   * finalizer.
   */
  public static boolean needsFinalizer(BackupSpec spec) {
    if (spec == null) {
      return false;
    }
    return spec.backupMode == BackupMode.LOG || policy(spec) != CleanPolicy.RETAIN;
  }

  /**
   * Whether deleting the Backup deletes its data: Delete always, OnFailure only for a failed
   * backup. A log backup counts as failed only when its task never started (its log-start failed):
   * a later subcommand that failed (a log-truncate, say) leaves a healthy log backup whose data
   * must be kept.
   */
  public static boolean deletesData(Backup b) {
    CleanPolicy p = policy(b.getSpec());
    if (p == CleanPolicy.DELETE) {
      return true;
    }
    if (p != CleanPolicy.ON_FAILURE || b.getStatus() == null) {
      return false;
    }
    if (b.getSpec().backupMode == BackupMode.LOG) {
      var statuses = b.getStatus().logSubCommandStatuses;
      LogSubCommandStatus start =
          statuses == null ? null : statuses.get(LogSubCommand.START.value());
      return start != null && ConditionTypes.FAILED.equals(start.phase);
    }
    return ConditionTypes.FAILED.equals(b.getStatus().phase)
        || Conditions.isTrue(b.getStatus().conditions, ConditionTypes.FAILED);
  }

  static CleanPolicy policy(BackupSpec spec) {
    return spec.cleanPolicy; // defaulted (CrdDefaults)
  }
}
