package io.tidbbackup.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.tidbbackup.api.BRConfig;
import io.tidbbackup.operator.job.ClusterFacts;
import org.junit.jupiter.api.Test;

/**
 * Whether the TidbCluster CRD exists is asked once per TTL, not once per Job: thousands of Backups
 * at once would each read a CRD of megabytes.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterFactsResolverTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void theCrdAnswerIsReusedUntilItsTtlAndAnInstalledCrdIsSeenAfterTheShortOne() {
    long[] now = {0};
    ClusterFactsResolver r = new ClusterFactsResolver(client, "v8.5.0", () -> now[0]);
    BRConfig br = new BRConfig();
    br.cluster = "basic";

    assertThat(r.resolve("tidb", br, null)).isEqualTo(ClusterFacts.plain("v8.5.0"));
    int asked = server.getRequestCount();
    for (int i = 0; i < 100; i++) {
      assertThat(r.resolve("tidb", br, null)).isEqualTo(ClusterFacts.plain("v8.5.0"));
    }
    assertThat(server.getRequestCount()).isEqualTo(asked);

    // TiDB Operator is installed: its CRD is read again once "absent" is older than its TTL
    client.resource(io.tidbbackup.operator.TestingCluster.tidbClusterCrd()).create();
    now[0] += ClusterFactsResolver.CRD_ABSENT_TTL_NS;
    assertThatThrownBy(() -> r.resolve("tidb", br, null))
        .isInstanceOf(ClusterNotFound.class)
        .hasMessageContaining("TidbCluster tidb/basic (spec.br.cluster) was not found");

    // "present" is reused for longer: only the TidbCluster itself is read each time
    asked = server.getRequestCount();
    now[0] += ClusterFactsResolver.CRD_ABSENT_TTL_NS * 2;
    assertThatThrownBy(() -> r.resolve("tidb", br, null)).isInstanceOf(ClusterNotFound.class);
    assertThat(server.getRequestCount()).isEqualTo(asked + 1);
  }
}
