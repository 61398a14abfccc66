package io.tidbbackup.agent;

import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;

/**
 * What one restore Job asks the agent to do: the Restore's identity and spec plus the cluster facts
 * the operator resolved. {@code abort} is the prune Job of {@code prune: afterFailed} ({@code br
 * abort restore …}).
 */
public record RestoreInvocation(
    String namespace,
    String name,
    String tikvVersion,
    RestoreSpec spec,
    RestoreMode mode,
    boolean abort,
    boolean clusterTls,
    boolean clientTls) {

  /** No {@code spec.br}: TiDB Lightning imports a Dumpling export. */
  public boolean lightning() {
    return spec.br == null;
  }
}
