package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/** Backup.spec: TiDB Operator v1.6's BackupSpec without the AWS EBS volume-snapshot fields. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.logStop) && self.logStop && has(self.logSubcommand))",
    message = "logStop and logSubcommand are mutually exclusive; use logSubcommand: log-stop")
@ValidationRule(
    value =
        "(has(self.s3) ? 1 : 0) + (has(self.gcs) ? 1 : 0) + (has(self.azblob) ? 1 : 0) + (has(self.local) ? 1 : 0) <= 1",
    message = "set at most one storage provider of s3, gcs, azblob and local")
@ValidationRule(
    value = "has(self.br) || has(self.from)",
    message = "a Dumpling backup (no br) needs from")
@ValidationRule(
    value = "!has(self.logSubcommand) || !has(self.backupMode) || self.backupMode == 'log'",
    message = "logSubcommand needs backupMode: log")
public class BackupSpec extends ToolJobSpec {
  public TiDBAccessConfig from;

  @Default("snapshot")
  public BackupMode backupMode;

  /** Snapshot: the backup TS ({@code --backupts}); log: the start TS. TSO or datetime. */
  @com.fasterxml.jackson.annotation.JsonPropertyDescription(
      "Snapshot: the backup's TS (br --backupts); log: the TS the log backup starts from (\"0\": now). A TSO, or a datetime such as 2024-06-01 12:00:00+08:00; a datetime without a zone is read as UTC. BR is given a TSO.")
  public String commitTs;

  public LogSubCommand logSubcommand;

  @com.fasterxml.jackson.annotation.JsonPropertyDescription(
      "log-truncate: remove log data before this TS. A TSO, or a datetime such as 2024-06-01 12:00:00+08:00; a datetime without a zone is read as UTC. BR is given a TSO.")
  public String logTruncateUntil;

  /** Deprecated form of logSubcommand: log-stop. */
  public Boolean logStop;

  public DumplingConfig dumpling;

  @Default("Retain")
  public CleanPolicy cleanPolicy;

  public CleanOption cleanOption;

  @Default("{}")
  public BackoffRetryPolicy backoffRetryPolicy;
}
