package io.tidbbackup.operator.job;

/**
 * What the operator knows about the TiDB cluster a BR Job talks to: the TiKV version (tool image
 * tag) and whether cluster TLS is on. Read from the TidbCluster object when there is one.
 */
public record ClusterFacts(String tikvVersion, boolean clusterTls) {

  public static ClusterFacts plain(String tikvVersion) {
    return new ClusterFacts(tikvVersion, false);
  }
}
