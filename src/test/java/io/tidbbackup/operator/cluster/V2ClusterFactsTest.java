package io.tidbbackup.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.status.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** v2's lookup, as TiDB Operator v2 does it: the oldest PDGroup and TiKVGroup of the Cluster. */
class V2ClusterFactsTest {

  static GenericKubernetesResource obj(
      String kind, String name, String created, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(V2ClusterFacts.API_VERSION);
    r.setKind(kind);
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("ns")
            .withCreationTimestamp(created)
            .build());
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  static GenericKubernetesResource group(
      String kind, String name, String cluster, String created, Map<String, Object> template) {
    return obj(
        kind,
        name,
        created,
        Map.of("cluster", Map.of("name", cluster), "template", Map.of("spec", template)));
  }

  @Test
  void theOldestGroupsOfTheClusterGivePdAndVersion() {
    ClusterFacts f =
        V2ClusterFacts.facts(
            obj("Cluster", "c", null, Map.of("tlsCluster", Map.of("enabled", true))),
            List.of(
                group("PDGroup", "newer", "c", "2026-02-01T00:00:00Z", Map.of()),
                group("PDGroup", "other", "d", "2025-01-01T00:00:00Z", Map.of()),
                group(
                    "PDGroup",
                    "pd",
                    "c",
                    "2026-01-01T00:00:00Z",
                    Map.of("server", Map.of("ports", Map.of("client", Map.of("port", 2381)))))),
            List.of(
                group("TiKVGroup", "kv", "c", "2026-01-01T00:00:00Z", Map.of("version", "v8.1.0"))),
            "v8.5.0");
    assertThat(f.pdAddress()).isEqualTo("pd-pd.ns:2381");
    assertThat(f.tikvVersion()).isEqualTo("v8.1.0");
    assertThat(f.clusterTls()).isTrue();
  }

  @Test
  void noTikvGroupFallsBackAndNoPdGroupOrAPausedClusterWaits() {
    var pd = List.of(group("PDGroup", "pd", "c", null, Map.of()));
    ClusterFacts f =
        V2ClusterFacts.facts(obj("Cluster", "c", null, Map.of()), pd, List.of(), "v8.5.0");
    assertThat(f.pdAddress()).isEqualTo("pd-pd.ns:2379");
    assertThat(f.tikvVersion()).isEqualTo("v8.5.0");
    assertThatThrownBy(
            () ->
                V2ClusterFacts.facts(
                    obj("Cluster", "c", null, Map.of()), List.of(), List.of(), "v"))
        .isInstanceOfSatisfying(
            ClusterNotFound.class, e -> assertThat(e.reason()).isEqualTo(Reason.ClusterNotFound));
    assertThatThrownBy(
            () ->
                V2ClusterFacts.facts(
                    obj(
                        "Cluster",
                        "c",
                        null,
                        Map.of("suspendAction", Map.of("suspendCompute", true))),
                    pd,
                    List.of(),
                    "v"))
        .isInstanceOfSatisfying(
            ClusterNotFound.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.ClusterPaused);
              assertThat(e.getMessage()).contains("spec.suspendAction.suspendCompute");
            });
  }
}
