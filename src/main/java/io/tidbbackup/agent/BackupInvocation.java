package io.tidbbackup.agent;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.LogSubCommand;

/**
 * What one backup Job asks the agent to do: the object's identity and spec plus the cluster facts
 * the operator resolved (TiKV version, TLS). Parsed from the Job's arguments and {@code
 * TIDB_BACKUP_SPEC}.
 *
 * @param toolVersion the release of the tool the Job runs (its image's tag, else the TiKV version),
 *     whose command line the agent builds
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
    String outputName,
    String pdAddress,
    String toolVersion) {

  /** Where BR finds PD: {@code --pd} when the operator gave one, else from spec.br. */
  public String pd() {
    return pdAddress != null ? pdAddress : spec.br.pdAddress(namespace);
  }

  public boolean dumpling() {
    return spec.br == null;
  }
}
