package io.tidbbackup.api;

/** Group, version, label keys and other names shared by every part of the project. */
public final class ApiConstants {
  public static final String GROUP = "pingcap.com";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** Finalizer that holds a Backup until its data is cleaned (name as in TiDB Operator v1). */
  public static final String BACKUP_PROTECTION_FINALIZER = "tidb.pingcap.com/backup-protection";

  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
  public static final String LABEL_BACKUP = "tidb.pingcap.com/backup";
  public static final String LABEL_RESTORE = "tidb.pingcap.com/restore";
  public static final String LABEL_BACKUP_SCHEDULE = "tidb.pingcap.com/backup-schedule";
  public static final String LABEL_COMPACT = "tidb.pingcap.com/compact-backup";
  public static final String MANAGED_BY_VALUE = "backup-operator";

  public static final String DEFAULT_SERVICE_ACCOUNT = "tidb-backup-manager";

  /**
   * Set to "true" on a Backup to release its finalizer without cleaning: the data is kept and a
   * Warning event names the path that was left behind.
   */
  public static final String SKIP_CLEAN_ANNOTATION = "tidb-backup-operator/skip-clean";

  /**
   * Set on a BackupSchedule (any new value, such as a time or a request id) to make one snapshot
   * Backup from its template at once; the value answered is kept in status.backupNow, so one value
   * makes at most one Backup.
   */
  public static final String BACKUP_NOW_ANNOTATION = "tidb-backup-operator/backup-now";

  /** On the Backup made for a backup-now request: the request's value. */
  public static final String BACKUP_NOW_REQUEST_ANNOTATION =
      "tidb-backup-operator/backup-now-request";

  private ApiConstants() {}
}
