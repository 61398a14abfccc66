package io.tidbbackup.agent;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.LogSubCommand;

/**
 * What one backup Job asks the agent to do: the object's identity and spec plus the cluster facts
 * the operator resolved (TiKV version, TLS). Parsed from the Job's arguments and {@code
 * TIDB_BACKUP_SPEC}.
 *
 * @param outputName Dumpling only: the directory under the prefix, {@code backup-<RFC3339 UTC>}
 */
public record BackupInvocation(
    String namespace,
    String name,
    String tikvVersion,
    BackupSpec spec,
    LogSubCommand logSubcommand,
    boolean clusterTls,
    boolean clientTls,
    String outputName) {

  public boolean dumpling() {
    return spec.br == null;
  }
}
