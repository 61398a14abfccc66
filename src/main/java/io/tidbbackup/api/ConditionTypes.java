package io.tidbbackup.api;

/** Condition types (and so phases) of Backup and Restore, spelled as in TiDB Operator v1. */
public final class ConditionTypes {
  public static final String SCHEDULED = "Scheduled";
  public static final String PREPARE = "Prepare";
  public static final String RUNNING = "Running";
  public static final String COMPLETE = "Complete";
  public static final String FAILED = "Failed";
  public static final String RETRY_FAILED = "RetryFailed";
  public static final String INVALID = "Invalid";
  public static final String CLEAN = "Clean";
  public static final String CLEAN_FAILED = "CleanFailed";
  public static final String REPEATABLE = "Repeatable";
  public static final String PAUSED = "Paused";
  public static final String STOPPED = "Stopped";

  /** Marks a retried snapshot backup; does not change the phase. */
  public static final String RESTART = "Restart";

  /**
   * Whether the pod of the tool Job has started: False (reason: Kubernetes' word for why, such as
   * ImagePullBackOff or FailedCreate) while it cannot; True once it did after that. Not a phase.
   */
  public static final String POD_STARTED = "PodStarted";

  /**
   * A started log backup's task as PD's etcd shows it: True while its checkpoint is read and the
   * task is healthy; False when it cannot be read, the task is gone, or an error paused it.
   */
  public static final String LOG_CHECKPOINT = "LogCheckpoint";

  /**
   * Whether the last reconcile failed with an error (an API request refused, a quota, a timeout):
   * True with the error while the operator retries with capped backoff, False once a reconcile went
   * through again. Not a phase.
   */
  public static final String RECONCILE_ERROR = "ReconcileError";

  /**
   * A BackupSchedule's last backup-now request: True when its Backup was made, False when it was
   * refused (a backup of the schedule was running). Not a phase.
   */
  public static final String BACKUP_NOW = "BackupNow";

  /**
   * A Restore from spec.backupSource: True once the snapshot and log backup were chosen and checked
   * before the Job. Not a phase.
   */
  public static final String BACKUP_SOURCE_CHOSEN = "BackupSourceChosen";

  public static final String PRUNE_SCHEDULED = "PruneScheduled";
  public static final String PRUNE_COMPLETE = "PruneComplete";
  public static final String PRUNE_FAILED = "PruneFailed";

  public static final String TRUE = "True";
  public static final String FALSE = "False";

  private ConditionTypes() {}
}
