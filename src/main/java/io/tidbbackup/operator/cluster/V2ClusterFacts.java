package io.tidbbackup.operator.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tidbbackup.api.BRConfig;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.status.Reason;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@code br.pingcap.com} object's Job needs from TiDB Operator v2's cluster objects ({@code
 * core.pingcap.com/v1alpha1}, read only), as v2 itself finds it: the {@code Cluster} that {@code
 * spec.br.cluster} names (in {@code spec.br.clusterNamespace} or the object's namespace), TLS from
 * its {@code spec.tlsCluster.enabled}; PD at {@code <oldest PDGroup>-pd.<namespace>:<its client
 * port, 2379 by default>}; the TiKV version of the oldest TiKVGroup ({@code
 * spec.template.spec.version}). A missing Cluster or PDGroup, or a paused Cluster, is {@link
 * ClusterNotFound}: said in a condition and retried.
 */
public final class V2ClusterFacts {
  public static final String GROUP = "core.pingcap.com";
  public static final String API_VERSION = GROUP + "/v1alpha1";
  static final ResourceDefinitionContext CLUSTER = context("Cluster", "clusters");
  static final ResourceDefinitionContext PD_GROUP = context("PDGroup", "pdgroups");
  static final ResourceDefinitionContext TIKV_GROUP = context("TiKVGroup", "tikvgroups");
  static final int DEFAULT_PD_CLIENT_PORT = 2379;

  private V2ClusterFacts() {}

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(GROUP)
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  static ClusterFacts resolve(
      KubernetesClient client, String namespace, BRConfig br, String fallbackVersion) {
    if (br == null || br.cluster == null || br.cluster.isEmpty()) {
      throw new ClusterNotFound(
          Reason.ClusterNotFound, "spec.br.cluster is not set: no Cluster to work on");
    }
    String ns =
        br.clusterNamespace == null || br.clusterNamespace.isEmpty()
            ? namespace
            : br.clusterNamespace;
    GenericKubernetesResource cluster = get(client, ns, br.cluster);
    if (cluster == null) {
      throw new ClusterNotFound(
          Reason.ClusterNotFound,
          "Cluster "
              + ns
              + "/"
              + br.cluster
              + " (core.pingcap.com, spec.br.cluster) was not found; retried until it is there");
    }
    List<GenericKubernetesResource> pds = groups(client, PD_GROUP, ns, br.cluster);
    List<GenericKubernetesResource> tikvs = groups(client, TIKV_GROUP, ns, br.cluster);
    return facts(cluster, pds, tikvs, fallbackVersion);
  }

  /**
   * Pure: the facts from the Cluster and its groups (of any age order, those of other clusters left
   * out here). Also used by {@code render} on the objects of its input.
   */
  public static ClusterFacts facts(
      GenericKubernetesResource cluster,
      List<GenericKubernetesResource> pdGroups,
      List<GenericKubernetesResource> tikvGroups,
      String fallbackVersion) {
    String name = cluster.getMetadata().getName();
    String ns = cluster.getMetadata().getNamespace();
    Map<String, Object> spec = map(cluster.getAdditionalProperties().get("spec"));
    String why = null;
    if (Boolean.TRUE.equals(spec.get("paused"))) {
      why = "spec.paused";
    } else if (Boolean.TRUE.equals(map(spec.get("suspendAction")).get("suspendCompute"))) {
      why = "spec.suspendAction.suspendCompute";
    }
    if (why != null) {
      throw new ClusterNotFound(
          Reason.ClusterPaused,
          "Cluster " + ns + "/" + name + " is paused (" + why + "): work waits until it is not");
    }
    String address = pdAddress(ns, name, pdGroups);
    GenericKubernetesResource tikv = oldest(ofCluster(tikvGroups, name));
    Object v = tikv == null ? null : path(tikv, "spec", "template", "spec").get("version");
    String version = v instanceof String s && !s.isEmpty() ? s : fallbackVersion;
    boolean tls = Boolean.TRUE.equals(map(spec.get("tlsCluster")).get("enabled"));
    return new ClusterFacts(version, tls, address);
  }

  /**
   * Where PD of the cluster {@code br} names answers, from its PDGroups alone: what a log backup's
   * checkpoint reads need every minute (no Cluster read, no TiKVGroup list; a paused cluster's PD
   * still answers).
   */
  static String pdAddress(KubernetesClient client, String namespace, BRConfig br) {
    String ns =
        br.clusterNamespace == null || br.clusterNamespace.isEmpty()
            ? namespace
            : br.clusterNamespace;
    return pdAddress(ns, br.cluster, groups(client, PD_GROUP, ns, br.cluster));
  }

  /** {@code <oldest PDGroup>-pd.<ns>:<its client port>}, or ClusterNotFound without one. */
  static String pdAddress(String ns, String cluster, List<GenericKubernetesResource> pdGroups) {
    GenericKubernetesResource pd = oldest(ofCluster(pdGroups, cluster));
    if (pd == null) {
      throw new ClusterNotFound(
          Reason.ClusterNotFound,
          "Cluster " + ns + "/" + cluster + " has no PDGroup yet; retried until it has one");
    }
    Object port = path(pd, "spec", "template", "spec", "server", "ports", "client").get("port");
    int pdPort = port instanceof Number n ? n.intValue() : DEFAULT_PD_CLIENT_PORT;
    return pd.getMetadata().getName() + "-pd." + ns + ":" + pdPort;
  }

  private static GenericKubernetesResource get(KubernetesClient client, String ns, String name) {
    try {
      return client.genericKubernetesResources(CLUSTER).inNamespace(ns).withName(name).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return null; // no Cluster CRD at all: as missing, retried
      }
      throw e;
    }
  }

  private static List<GenericKubernetesResource> groups(
      KubernetesClient client, ResourceDefinitionContext kind, String ns, String cluster) {
    try {
      return ofCluster(
          client.genericKubernetesResources(kind).inNamespace(ns).list().getItems(), cluster);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
  }

  /** The groups whose {@code spec.cluster.name} is {@code cluster}. */
  static List<GenericKubernetesResource> ofCluster(
      List<GenericKubernetesResource> groups, String cluster) {
    return groups.stream()
        .filter(
            g ->
                cluster.equals(
                    map(map(g.getAdditionalProperties().get("spec")).get("cluster")).get("name")))
        .toList();
  }

  /** The oldest group (v2's choice), by creation time then name. */
  static GenericKubernetesResource oldest(List<GenericKubernetesResource> groups) {
    return groups.stream()
        .min(
            Comparator.comparing(
                    (GenericKubernetesResource g) ->
                        Objects.toString(g.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(g -> g.getMetadata().getName()))
        .orElse(null);
  }

  private static Map<String, Object> path(GenericKubernetesResource r, String... keys) {
    Map<String, Object> m = r.getAdditionalProperties();
    for (String k : keys) {
      m = map(m.get(k));
    }
    return m;
  }

  /** A field of an unstructured object as a map (empty when absent or not a map). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
