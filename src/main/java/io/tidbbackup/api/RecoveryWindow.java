package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Additive ({@code BackupSchedule.status.recoveryWindow}): what can be restored from a schedule's
 * backups, computed from its Complete snapshot backups and its log backup (start, truncation,
 * checkpoint). Times are TSOs with their RFC 3339 form beside them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RecoveryWindow {
  @JsonPropertyDescription("The earliest restorable point (TSO).")
  public String earliestTs;

  public String earliestTime;

  @JsonPropertyDescription("The snapshot backup the earliest point restores from.")
  public String earliestSnapshot;

  @JsonPropertyDescription("The latest restorable point (TSO).")
  public String latestTs;

  public String latestTime;

  @JsonPropertyDescription("The snapshot backup the latest point restores from.")
  public String latestSnapshot;

  @JsonPropertyDescription(
      "The log backup that carries the latest point past its snapshot, if any.")
  public String latestLogBackup;

  @JsonPropertyDescription(
      "Where the newest Complete compaction of the log ends (TSO): log replay up to it reads compacted data.")
  public String compactedUntilTs;

  @JsonPropertyDescription(
      "The restorable ranges, oldest first: a snapshot with the log after it, or a snapshot's own point (fromTs = toTs).")
  public List<RestorableRange> ranges;

  @JsonPropertyDescription(
      "What the window lacks: a failed or stopped log backup, truncated log data, a missing snapshot.")
  public List<RecoveryGap> gaps;

  /** One continuous restorable range. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RestorableRange {
    public String fromTs;
    public String fromTime;
    public String toTs;
    public String toTime;

    /** The snapshot backup the range starts at. */
    public String snapshot;

    /** The log backup that carries it to {@code toTs}; absent for a snapshot's own point. */
    public String logBackup;
  }

  /** Something the window lacks, said as it is. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RecoveryGap {
    public String reason;
    public String message;

    public RecoveryGap() {}

    public RecoveryGap(String reason, String message) {
      this.reason = reason;
      this.message = message;
    }
  }
}
