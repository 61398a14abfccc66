package io.tidbbackup.controlplane;

import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Pod;
import io.tidbbackup.deploy.HelmChart;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The operator as the Helm chart installs it: real Helm renders the chart into a release, and the
 * operator runs as a pod on the real node from this project's image built from the Dockerfile, with
 * its ServiceAccount token, the chart's RBAC, probes, security context and memory limit. The API
 * server listens on loopback only, so the pod reaches it through a forwarder on the node's host
 * address (what the {@code kubernetes} Service would be) and trusts its self-signed certificate.
 */
public final class ChartOperator implements AutoCloseable {
  public final String release;
  public final String namespace;
  private final LocalCluster cluster;
  private final PortForward api;

  private ChartOperator(LocalCluster cluster, String release, String namespace, PortForward api) {
    this.cluster = cluster;
    this.release = release;
    this.namespace = namespace;
    this.api = api;
  }

  /** Installs release {@code release} into {@code namespace}, watching {@code watch}. */
  public static ChartOperator install(
      LocalCluster cluster, String release, String namespace, List<String> watch) throws Exception {
    ControlPlane cp = cluster.controlPlane;
    PortForward api = new PortForward(cluster.node.hostAddress(), URI.create(cp.url()).getPort());
    try {
      Path dir = Files.createDirectories(Path.of("target", "chart-operator", release));
      Path kubeconfig =
          cp.writeKubeconfig(dir.resolve("admin.kubeconfig"), ControlPlane.ADMIN_TOKEN, "default");
      Path values = dir.resolve("values.yaml");
      Files.writeString(
          values,
          """
          crds: {enabled: false}
          image: {repository: localhost/tidb-backup-operator, tag: test, pullPolicy: Never}
          jobImagePullPolicy: IfNotPresent
          watchNamespaces: [%s]
          extraEnv:
            - {name: KUBERNETES_SERVICE_HOST, value: "%s"}
            - {name: KUBERNETES_SERVICE_PORT, value: "%d"}
            - {name: KUBERNETES_TRUST_CERTIFICATES, value: "true"}
            - {name: KUBERNETES_DISABLE_HOSTNAME_VERIFICATION, value: "true"}
          """
              .formatted(String.join(", ", watch), cluster.node.hostAddress(), api.port()));
      new Helm(HelmChart.CHART)
          .install()
          .withName(release)
          .withNamespace(namespace)
          .createNamespace()
          .withKubeConfig(kubeconfig)
          .withValuesFile(values)
          .call();
      return new ChartOperator(cluster, release, namespace, api);
    } catch (Exception e) {
      api.close();
      throw e;
    }
  }

  /** The operator's pod once the kubelet's startup and readiness probes on /readyz passed. */
  public Pod awaitReady(Duration atMost) {
    return await()
        .atMost(atMost)
        .pollInterval(Duration.ofSeconds(1))
        .until(this::pod, p -> p != null && ready(p));
  }

  /** The release's operator pod, or null. */
  public Pod pod() {
    return cluster.admin.pods().inNamespace(namespace).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(release))
        .findFirst()
        .orElse(null);
  }

  static boolean ready(Pod p) {
    return p.getStatus().getContainerStatuses() != null
        && !p.getStatus().getContainerStatuses().isEmpty()
        && Boolean.TRUE.equals(p.getStatus().getContainerStatuses().get(0).getReady());
  }

  /** Stops forwarding the API server to the pod (the release stays). */
  @Override
  public void close() throws Exception {
    api.close();
  }
}
