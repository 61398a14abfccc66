package io.tidbbackup.operator.status;

/**
 * Every reason the operator gives in a condition or an Event. The constant's name is the string on
 * the wire ({@code reason: JobDeleted}), so it reads the same in code, in {@code kubectl describe}
 * and in alerts; a reason is a string only there.
 */
public enum Reason {
  // validation and lifecycle of the tool Job
  InvalidSpec,
  TidbClusterNotFound,
  /** br.pingcap.com: the Cluster (core.pingcap.com) named in spec.br is not there. */
  ClusterNotFound,
  /** br.pingcap.com: the Cluster is paused or its compute suspended: work waits. */
  ClusterPaused,
  JobCreated,
  JobRunning,
  JobDeleted,
  JobNameTaken,
  /** The Job's pod did not start within the start deadline (see PodStarted). */
  PodNotStarted,
  /** The Job's pod started after it had been said not to. */
  PodStarted,
  // errors of a reconcile (ReconcileError)
  /** The API server refused or failed a request. */
  ApiError,
  /** Anything else a reconcile threw. */
  InternalError,
  /** A reconcile went through after errors. */
  Recovered,
  CreateBackupJobFailed,
  CreateRestoreJobFailed,
  // backups
  BackupComplete,
  BackupFailed,
  BackupJobFailed,
  RetryFailedBackup,
  LogSubcommandComplete,
  LogSubcommandFailed,
  NeverStarted,
  // a started log backup's task, read from PD's etcd (LogCheckpoint)
  CheckpointRead,
  CheckpointUnreadable,
  LogTaskNotFound,
  LogTaskPausedByError,
  // restores
  RestoreComplete,
  RestoreFailed,
  /** br.pingcap.com: a Restore deleted while it ran: its Job was stopped. */
  RestoreStopped,
  PruneScheduled,
  PruneComplete,
  PruneFailed,
  // cleans
  Cleaning,
  CleaningInProcess,
  Cleaned,
  NothingToClean,
  CleanSkipped,
  CleanJobFailed,
  CleanRefused,
  BatchDeleteUnsupported,
  DataOrphaned,
  LogStopFailed,
  LogStopSkipped,
  EmptyPrefix,
  OutsidePrefix,
  SharedPrefix,
  NoStorage,
  InvalidPrefix,
  // schedules
  BackupCreated,
  CompactBackupCreated,
  BackupExpired,
  LogBackupTruncated,
  /** A backup-now request made its Backup. */
  BackupNowCreated,
  /** A backup-now request was refused: a backup of the schedule was running. */
  BackupNowRefused,
  // restores from spec.backupSource
  /** The snapshot and log backup were chosen and checked. */
  BackupSourceChosen,
  /** The target is outside what the named backups can restore to. */
  OutsideRecoveryWindow,
  /** The BackupSchedule or cluster named in spec.backupSource has no usable backups. */
  BackupSourceNotFound,
  /** The chosen snapshot's backupmeta (or the log backup's metadata) is not on the storage. */
  BackupDataMissing,
  /** The storage could not be listed before the Job: retried. */
  PreflightFailed,
  /** The operator could not list the storage itself (no readable static credentials). */
  PreflightSkipped;

  /** The reason of a condition read back from status (null stays null). */
  public static String wire(Reason r) {
    return r == null ? null : r.name();
  }
}
