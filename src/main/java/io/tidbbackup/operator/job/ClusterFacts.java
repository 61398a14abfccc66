package io.tidbbackup.operator.job;

/**
 * What the operator knows about the TiDB cluster a BR Job talks to: the TiKV version (tool image
 * tag) and whether cluster TLS is on. Read from the TidbCluster object when there is one.
 */
public record ClusterFacts(String tikvVersion, boolean clusterTls, String pdAddress) {

  /**
   * @param pdAddress host:port of PD when it is not {@code <cluster>-pd.<namespace>:2379} (a v2
   *     PDGroup's), else null
   */
  public ClusterFacts {}

  public ClusterFacts(String tikvVersion, boolean clusterTls) {
    this(tikvVersion, clusterTls, null);
  }

  public static ClusterFacts plain(String tikvVersion) {
    return new ClusterFacts(tikvVersion, false);
  }
}
