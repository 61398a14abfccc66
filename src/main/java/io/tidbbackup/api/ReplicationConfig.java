package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Restore.spec.replicationConfig (TiDB Operator release-1.x). Accepted; not acted on yet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicationConfig {
  public String compactBackupName;
  public String waitTimeout;
}
