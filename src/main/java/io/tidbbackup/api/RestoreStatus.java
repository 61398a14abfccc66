package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Restore.status as in TiDB Operator v1.6. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoreStatus implements HasPhase {
  public String timeStarted;
  public String timeCompleted;
  public String timeTaken;
  public String commitTs;
  public String phase;
  public List<BackupCondition> conditions;
  public List<Progress> progresses;
  public List<BrOperation> brOperations;
  public String replicationStep;

  /** Additive: what the operator chose for spec.backupSource. */
  public RestoreSourceStatus backupSource;

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
