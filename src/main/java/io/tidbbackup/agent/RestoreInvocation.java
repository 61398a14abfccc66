package io.tidbbackup.agent;

import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;

/**
 * What one restore Job asks the agent to do: the Restore's identity and spec plus the cluster facts
 * the operator resolved. {@code abort} is the prune Job of {@code prune: afterFailed} ({@code br
 * abort restore …}).
 *
 * @param toolVersion the release of the tool the Job runs (its image's tag, else the TiKV version),
 *     whose command line the agent builds
 */
public record RestoreInvocation(
    String namespace,
    String name,
    String tikvVersion,
    RestoreSpec spec,
    RestoreMode mode,
    boolean abort,
    boolean clusterTls,
    boolean clientTls,
    String pdAddress,
    String toolVersion) {

  /** Where BR finds PD: {@code --pd} when the operator gave one, else from spec.br. */
  public String pd() {
    return pdAddress != null ? pdAddress : spec.br.pdAddress(namespace);
  }

  /** No {@code spec.br}: TiDB Lightning imports a Dumpling export. */
  public boolean lightning() {
    return spec.br == null;
  }
}
