package io.tidbbackup.operator.cluster;

import io.tidbbackup.operator.status.Reason;

/**
 * Thrown when the cluster cannot be worked on now: the TidbCluster CRD exists but the named cluster
 * does not; a v2 Cluster (or its PDGroup) is missing, or it is paused. Said in a condition with
 * {@link #reason()} and retried, never Invalid.
 */
public class ClusterNotFound extends RuntimeException {
  private final Reason reason;

  public ClusterNotFound(String message) {
    this(Reason.TidbClusterNotFound, message);
  }

  public ClusterNotFound(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
