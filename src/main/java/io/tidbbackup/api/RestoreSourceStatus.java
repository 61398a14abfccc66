package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Additive ({@code Restore.status.backupSource}): what the operator chose for {@code
 * spec.backupSource}: the snapshot backup and the log backup a restore to {@code restoredTs} reads,
 * with what was checked before its Job.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoreSourceStatus {
  /** The point restored to (TSO), and its RFC 3339 form. */
  public String restoredTs;

  public String restoredTime;

  /** The snapshot backup (a Backup in the Restore's namespace), its commitTs and path. */
  public String snapshotBackup;

  public String snapshotCommitTs;
  public String snapshotPath;

  /**
   * The log backup that carries the snapshot to restoredTs; absent when the target is the
   * snapshot's own point.
   */
  public String logBackup;

  public String logPath;

  /** The window the target was found in, in words. */
  public String window;

  /** What was checked on the storage before the Job (or why it could not be). */
  public String preflight;
}
