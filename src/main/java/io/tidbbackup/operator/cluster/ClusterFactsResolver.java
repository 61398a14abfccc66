package io.tidbbackup.operator.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tidbbackup.api.BRConfig;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.surface.ApiSurface;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the TiKV version and TLS settings of the cluster a BR Job talks to: from the TidbCluster
 * object when that CRD exists (read only), else from the tag of spec.toolImage, else the operator's
 * default version.
 */
public class ClusterFactsResolver {
  public static final String TC_CRD = "tidbclusters.pingcap.com";
  static final ResourceDefinitionContext TC =
      new ResourceDefinitionContext.Builder()
          .withGroup("pingcap.com")
          .withVersion("v1alpha1")
          .withKind("TidbCluster")
          .withPlural("tidbclusters")
          .withNamespaced(true)
          .build();

  /**
   * How long the answer "the TidbCluster CRD exists" is reused: a CRD is installed once and stays,
   * and on a cluster with TiDB Operator it is megabytes, read for every Job otherwise.
   */
  static final long CRD_PRESENT_TTL_NS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

  /**
   * How long "no TidbCluster CRD" is reused: short, so that a Backup applied just after TiDB
   * Operator was installed soon reads its TidbCluster (a 404 costs the API server little).
   */
  static final long CRD_ABSENT_TTL_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

  private final KubernetesClient client;
  private final String defaultVersion;
  private final java.util.function.LongSupplier nanoTime;
  private volatile CrdAnswer crd;

  private record CrdAnswer(boolean exists, long at) {}

  public ClusterFactsResolver(KubernetesClient client, String defaultVersion) {
    this(client, defaultVersion, System::nanoTime);
  }

  ClusterFactsResolver(
      KubernetesClient client, String defaultVersion, java.util.function.LongSupplier nanoTime) {
    this.client = client;
    this.defaultVersion = defaultVersion;
    this.nanoTime = nanoTime;
  }

  /**
   * The facts of the cluster {@code owner} (a Backup, Restore or CompactBackup) names in {@code
   * br}: from a TidbCluster for {@code pingcap.com} objects, from a v2 Cluster and its groups for
   * {@code br.pingcap.com} ones ({@link V2ClusterFacts}).
   */
  public ClusterFacts resolve(HasMetadata owner, BRConfig br, String toolImage) {
    if (ApiSurface.of(owner) == ApiSurface.V2) {
      return V2ClusterFacts.resolve(
          client, owner.getMetadata().getNamespace(), br, fallbackVersion(toolImage));
    }
    return resolve(owner.getMetadata().getNamespace(), br, toolImage);
  }

  /** host:port of the PD {@code owner}'s cluster runs (a v2 Cluster's: its PDGroup's). */
  public String pdAddress(HasMetadata owner, BRConfig br) {
    if (ApiSurface.of(owner) == ApiSurface.V2) {
      return V2ClusterFacts.pdAddress(client, owner.getMetadata().getNamespace(), br);
    }
    return br.pdAddress(owner.getMetadata().getNamespace());
  }

  public ClusterFacts resolve(String namespace, BRConfig br, String toolImage) {
    if (br != null && tidbClusterCrdExists()) {
      String ns =
          br.clusterNamespace == null || br.clusterNamespace.isEmpty()
              ? namespace
              : br.clusterNamespace;
      GenericKubernetesResource tc =
          client.genericKubernetesResources(TC).inNamespace(ns).withName(br.cluster).get();
      if (tc == null) {
        throw new ClusterNotFound(
            "TidbCluster " + ns + "/" + br.cluster + " (spec.br.cluster) was not found");
      }
      return fromTidbCluster(tc, fallbackVersion(toolImage));
    }
    return ClusterFacts.plain(fallbackVersion(toolImage));
  }

  /**
   * Whether the TidbCluster CRD exists: asked again once the last answer is older than its TTL, by
   * one reconcile while the others wait for its answer (not fifty reads when the TTL ends).
   */
  boolean tidbClusterCrdExists() {
    CrdAnswer last = crd;
    if (fresh(last, nanoTime.getAsLong())) {
      return last.exists();
    }
    synchronized (this) {
      last = crd;
      long now = nanoTime.getAsLong();
      return fresh(last, now) ? last.exists() : askCrd(now);
    }
  }

  private static boolean fresh(CrdAnswer a, long now) {
    return a != null && now - a.at() < (a.exists() ? CRD_PRESENT_TTL_NS : CRD_ABSENT_TTL_NS);
  }

  private boolean askCrd(long now) {
    boolean exists;
    try {
      exists =
          client.apiextensions().v1().customResourceDefinitions().withName(TC_CRD).get() != null;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      exists = false;
    }
    crd = new CrdAnswer(exists, now);
    return exists;
  }

  /**
   * Version from spec.tikv.image's tag, else spec.tikv.version, else spec.version; TLS from
   * spec.tlsCluster.enabled.
   */
  public static ClusterFacts fromTidbCluster(GenericKubernetesResource tc, String fallback) {
    Map<String, Object> spec = V2ClusterFacts.map(tc.getAdditionalProperties().get("spec"));
    Map<String, Object> tikv = V2ClusterFacts.map(spec.get("tikv"));
    String version =
        Optional.ofNullable(tagOf((String) tikv.get("image")))
            .or(() -> Optional.ofNullable((String) tikv.get("version")))
            .or(() -> Optional.ofNullable((String) spec.get("version")))
            .orElse(fallback);
    boolean tls = Boolean.TRUE.equals(V2ClusterFacts.map(spec.get("tlsCluster")).get("enabled"));
    return new ClusterFacts(version, tls);
  }

  String fallbackVersion(String toolImage) {
    String tag = tagOf(toolImage);
    return tag != null ? tag : defaultVersion;
  }

  static String tagOf(String image) {
    if (image == null || image.isEmpty()) {
      return null;
    }
    String last = image.substring(image.lastIndexOf('/') + 1);
    int at = last.indexOf('@');
    if (at >= 0) {
      last = last.substring(0, at);
    }
    int colon = last.indexOf(':');
    return colon < 0 ? null : last.substring(colon + 1);
  }
}
