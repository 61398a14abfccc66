package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Additive ({@code BackupSchedule.status.backupNow}): the last backup-now request the schedule
 * answered ({@link ApiConstants#BACKUP_NOW_ANNOTATION}), so that one request makes at most one
 * Backup.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupNowStatus {
  /** The annotation's value that was answered. */
  public String request;

  /** Created or Refused. */
  public String outcome;

  /** The Backup made for it (Created). */
  public String backup;

  public String message;

  /** When it was answered (RFC 3339). */
  public String time;
}
