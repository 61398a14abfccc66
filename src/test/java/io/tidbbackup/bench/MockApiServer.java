package io.tidbbackup.bench;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.stream.Stream;

/**
 * The sandbox's API server: fabric8's mock server in CRUD mode on loopback, with our CRDs installed
 * and the discovery answers kubectl needs ({@code /api}, {@code /apis}, the group versions with
 * short names), so that {@code kubectl --kubeconfig … apply --validate=false}, {@code get bk},
 * {@code get bk -o yaml} and {@code delete} work against it. No server-side apply, no strategic
 * merge, no watch from kubectl, no garbage collection.
 */
final class MockApiServer implements AutoCloseable {
  private static final List<String> QUERIES =
      List.of("", "?timeout=32s", "?timeout=10s", "?timeout=5s");

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private MockApiServer(KubernetesMockServer server) {
    this.server = server;
    this.client = server.createClient();
  }

  /**
   * Starts on {@code 127.0.0.1:port} (0 picks a free port) and installs the CRDs from {@code
   * crdDir}.
   */
  public static MockApiServer start(int port, Path crdDir) throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), port);
    MockApiServer c = new MockApiServer(server);
    c.discovery();
    try (Stream<Path> files = Files.list(crdDir)) {
      for (Path f : files.sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd =
              c.client.apiextensions().v1().customResourceDefinitions().load(in).item();
          c.client.resource(crd).create();
        }
      }
    }
    return c;
  }

  public KubernetesClient client() {
    return client;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** A kubeconfig for kubectl (a dummy token: the sandbox has no authentication). */
  public Path writeKubeconfig(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: sandbox
          cluster:
            server: %s
        users:
        - name: sandbox
          user:
            token: sandbox
        contexts:
        - name: sandbox
          context:
            cluster: sandbox
            user: sandbox
            namespace: tidb
        current-context: sandbox
        """
            .formatted(url()));
    return file;
  }

  private void discovery() {
    answer(
        "/version",
        Map.of(
            "major",
            "1",
            "minor",
            "32",
            "gitVersion",
            "v1.32.0-sandbox",
            "platform",
            "linux/amd64"));
    answer(
        "/api",
        new APIVersionsBuilder()
            .withVersions("v1")
            .addNewServerAddressByClientCIDR("0.0.0.0/0", "127.0.0.1:" + server.getPort())
            .build());
    answer(
        "/apis",
        new APIGroupListBuilder()
            .withGroups(
                group("batch", "v1"),
                group("apiextensions.k8s.io", "v1"),
                group("pingcap.com", "v1alpha1"))
            .build());
    answer(
        "/api/v1",
        resources(
            "v1",
            resource("namespaces", "Namespace", false, List.of("ns")),
            resource("pods", "Pod", true, List.of("po")),
            resource("secrets", "Secret", true, List.of()),
            resource("events", "Event", true, List.of("ev"))));
    answer("/apis/batch/v1", resources("batch/v1", resource("jobs", "Job", true, List.of())));
    answer(
        "/apis/apiextensions.k8s.io/v1",
        resources(
            "apiextensions.k8s.io/v1",
            resource(
                "customresourcedefinitions",
                "CustomResourceDefinition",
                false,
                List.of("crd", "crds"))));
    answer(
        "/apis/pingcap.com/v1alpha1",
        resources(
            "pingcap.com/v1alpha1",
            resource("backups", "Backup", true, List.of("bk")),
            resource("restores", "Restore", true, List.of("rt")),
            resource("backupschedules", "BackupSchedule", true, List.of("bks")),
            resource("compactbackups", "CompactBackup", true, List.of("cpbk"))));
  }

  private void answer(String path, Object body) {
    for (String q : QUERIES) {
      server.expect().get().withPath(path + q).andReturn(200, body).always();
    }
  }

  private static io.fabric8.kubernetes.api.model.APIGroup group(String name, String version) {
    var gv =
        new GroupVersionForDiscoveryBuilder()
            .withGroupVersion(name + "/" + version)
            .withVersion(version)
            .build();
    return new APIGroupBuilder().withName(name).withVersions(gv).withPreferredVersion(gv).build();
  }

  private static Object resources(String groupVersion, APIResource... rs) {
    return new APIResourceListBuilder()
        .withGroupVersion(groupVersion)
        .withResources(new ArrayList<>(List.of(rs)))
        .build();
  }

  private static APIResource resource(
      String plural, String kind, boolean namespaced, List<String> shortNames) {
    return new APIResourceBuilder()
        .withName(plural)
        .withKind(kind)
        .withNamespaced(namespaced)
        .withSingularName(kind.toLowerCase())
        .withShortNames(shortNames)
        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete")
        .build();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
