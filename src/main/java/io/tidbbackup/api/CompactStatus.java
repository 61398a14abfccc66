package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * CompactBackup.status as TiDB Operator release-1.x: a state (Scheduled, Running, Complete,
 * Failed), progress, message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CompactStatus implements HasPhase {
  public String state;
  public String progress;
  public String message;
  public String endTs;
  public String completedIndexes;
  public String failedIndexes;
  public List<BackoffRetryRecord> backoffRetryStatus;

  /** Additive: when the compaction's Job started and ended (RFC 3339). */
  public String timeStarted;

  public String timeCompleted;

  @Override
  @JsonIgnore
  public String currentPhase() {
    return state;
  }

  @Override
  @JsonIgnore
  public List<BackupCondition> currentConditions() {
    return null;
  }

  @Override
  @JsonIgnore
  public String startedAt() {
    return timeStarted;
  }

  @Override
  @JsonIgnore
  public String completedAt() {
    return timeCompleted;
  }
}
