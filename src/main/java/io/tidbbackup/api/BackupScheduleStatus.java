package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** BackupSchedule.status as in TiDB Operator v1.6. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupScheduleStatus {
  public String lastBackup;
  public String lastCompact;
  public String logBackup;
  public String logBackupStartTs;
  public String lastBackupTime;
  public String lastCompactProgress;
  public String lastCompactExecutionTs;
  public String allBackupCleanTime;

  /**
   * {@code br.pingcap.com} only: v2's name of lastCompactProgress (the last compaction's start).
   */
  public String lastCompactTs;

  /**
   * {@code br.pingcap.com} only: when the next compaction is due (last execution + compactSpan).
   */
  public String nextCompactEndTs;

  /** Additive: what can be restored from this schedule's backups (docs/usage.md, Recovering). */
  public RecoveryWindow recoveryWindow;

  /** Additive: the last backup-now request answered. */
  public BackupNowStatus backupNow;

  /** Additive: {@code Invalid} (with the field at fault) while the spec cannot be acted on. */
  public java.util.List<BackupCondition> conditions;
}
