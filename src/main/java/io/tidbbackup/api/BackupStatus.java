package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Backup.status, as in TiDB Operator v1.6 (without EBS fields), plus cleanProgress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupStatus implements HasPhase {
  public String backupPath;
  public String timeStarted;
  public String timeCompleted;
  public String timeSynced;
  public String timeTaken;
  public String backupSizeReadable;
  public Long backupSize;
  public String commitTs;
  public String logSuccessTruncateUntil;
  public String logCheckpointTs;
  public String phase;
  public List<BackupCondition> conditions;
  public Map<String, LogSubCommandStatus> logSubCommandStatuses;
  public List<Progress> progresses;
  public List<BrOperation> brOperations;
  public List<BackoffRetryRecord> backoffRetryStatus;

  /** Clean Jobs started so far for this deletion (additive; drives the clean retry backoff). */
  public Integer cleanAttempts;

  @Override
  @JsonIgnore
  public String currentPhase() {
    return phase;
  }

  @Override
  @JsonIgnore
  public List<BackupCondition> currentConditions() {
    return conditions;
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
