package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Restore.spec: TiDB Operator v1.6's RestoreSpec without the AWS EBS volume-snapshot and warm-up
 * fields.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.s3) ? 1 : 0) + (has(self.gcs) ? 1 : 0) + (has(self.azblob) ? 1 : 0) + (has(self.local) ? 1 : 0) <= 1",
    message = "set at most one storage provider of s3, gcs, azblob and local")
@ValidationRule(
    value =
        "!has(self.restoreMode) || self.restoreMode != 'pitr' || has(self.backupSource) || (has(self.pitrFullBackupStorageProvider) != has(self.logRestoreStartTs))",
    message =
        "a pitr restore needs exactly one of pitrFullBackupStorageProvider and logRestoreStartTs (or backupSource)")
@ValidationRule(
    value = "has(self.br) || has(self.to)",
    message = "a TiDB Lightning restore (no br) needs to")
public class RestoreSpec extends ToolJobSpec {
  public TiDBAccessConfig to;

  @Default("snapshot")
  public RestoreMode restoreMode;

  /** PiTR target TS (TSO or datetime). */
  @com.fasterxml.jackson.annotation.JsonPropertyDescription(
      "PiTR: the point to restore to (empty: the newest log data). A TSO, or a datetime such as 2024-06-01 12:00:00+08:00; a datetime without a zone is read as UTC. BR is given a TSO.")
  public String pitrRestoredTs;

  public PruneType prune;

  /** PiTR without a full backup: restore log data from this TS. */
  @com.fasterxml.jackson.annotation.JsonPropertyDescription(
      "PiTR without a full backup: where the log restore starts. A TSO, or a datetime such as 2024-06-01 12:00:00+08:00; a datetime without a zone is read as UTC. BR is given a TSO.")
  public String logRestoreStartTs;

  /**
   * PiTR: where the full (snapshot) backup is; the inline provider then points at the log backup.
   */
  public StorageProvider pitrFullBackupStorageProvider;

  /** As upstream's CRD (release-1.6): {@code default: false}. */
  @Default("false")
  public Boolean tolerateSingleTiKVOutage;

  /** Job backoffLimit. */
  @Default("0")
  @Min(0)
  public Integer backoffLimit;

  public ReplicationConfig replicationConfig;

  /**
   * Additive: a pitr restore to {@link #pitrRestoredTs} from the backups this names; the operator
   * picks the snapshot and the log backup (no storage provider is given then).
   */
  @com.fasterxml.jackson.annotation.JsonPropertyDescription(
      "Additive: restore to pitrRestoredTs (empty: the latest restorable point) from the backups of a BackupSchedule or a cluster; the operator picks the newest Complete snapshot at or before the target and the log backup covering it, checks them before any Job, and says its choice in status.backupSource. Needs restoreMode pitr and no storage provider, pitrFullBackupStorageProvider or logRestoreStartTs.")
  public BackupSource backupSource;

  /**
   * What names the Dumpling export a TiDB Lightning restore reads: {@code <provider>.path} when
   * set, else the prefix; null for a BR restore. The Job builder and the agent decide by it alike.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public String lightningSource() {
    if (br != null || providerCount() != 1 || storageType() == null) {
      return null;
    }
    String path =
        switch (storageType()) {
          case S3 -> s3.path;
          case GCS -> gcs.path;
          case AZBLOB -> azblob.path;
          case LOCAL -> null;
        };
    if (path != null && !path.isEmpty()) {
      return path;
    }
    return switch (storageType()) {
      case S3 -> s3.prefix;
      case GCS -> gcs.prefix;
      case AZBLOB -> azblob.prefix;
      case LOCAL -> local.prefix;
    };
  }

  /**
   * A TiDB Lightning restore of an export kept as one archive (TiDB Operator's Dumpling backups are
   * {@code .tgz}): the Job unpacks it onto a volume first.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean lightningFromArchive() {
    return isArchiveName(lightningSource());
  }

  /** {@code .tgz}, {@code .tar.gz} or {@code .tar}. */
  public static boolean isArchiveName(String path) {
    if (path == null) {
      return false;
    }
    String p = path.toLowerCase(java.util.Locale.ROOT);
    return p.endsWith(".tgz") || p.endsWith(".tar.gz") || p.endsWith(".tar");
  }
}
