package io.tidbbackup.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.OperatorFactory;
import io.tidbbackup.operator.OperatorSettings;
import io.tidbbackup.operator.TestingCluster;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator's permissions, derived from what it really calls: the operator runs a backup, its clean on delete, a
 * backup with an inline SAS token and a restore against the mock API server with leader election on, every request
 * it sends is recorded (by its own User-Agent), and each must be granted by the RBAC the chart renders.
 */
@EnableKubernetesMockClient(crud = true)
class RbacCoverageTest {
  static final String AGENT = "tidb-backup-operator-under-test";
  static final String NS = "team-a";
  static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void everyCallTheOperatorMakesIsGrantedByTheChartsRbac() throws Exception {
    Set<HelmChart.Access> calls = operatorCalls();
    assertThat(calls).extracting(HelmChart.Access::resource)
        .contains("backups", "backups/status", "restores/status", "compactbackups/status", "backupschedules/status",
            "jobs", "pods", "secrets", "events", "leases");

    List<JsonNode> clusterWide = HelmChart.render(Map.of());
    List<JsonNode> namespaced = HelmChart.render(Map.of("watchNamespaces[0]", NS));
    for (HelmChart.Access a : calls) {
      HelmChart.Access lease = a.resource().equals("leases")
          ? new HelmChart.Access(a.verb(), a.group(), a.resource(), HelmChart.NAMESPACE, a.name()) : a;
      assertThat(HelmChart.allows(clusterWide, lease)).as("cluster-wide RBAC grants %s", a).isTrue();
      if (!a.verb().equals("list") && !a.verb().equals("watch") || a.namespace() != null) {
        assertThat(HelmChart.allows(namespaced, lease)).as("per-namespace RBAC grants %s", a).isTrue();
      }
    }
  }

  Set<HelmChart.Access> operatorCalls() throws Exception {
    TestingCluster cluster = new TestingCluster(client);
    cluster.installCrds();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata().withNewStatus()
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "update").endResourceRule().withIncomplete(false).endStatus().build())
        .always();
    KubernetesClient operatorClient = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT).build()).build();
    Operator operator = OperatorFactory.create(operatorClient, OperatorSettings.defaults().withServerSideApply(false)
        .withLeaderElection(HelmChart.NAMESPACE), Clock.systemUTC(), new SimpleMeterRegistry());
    try {
      operator.start();
      // a backup with cleanPolicy Delete: Job, Complete, delete, clean Job (running: progress from its log), Clean
      create(Backup.class, """
          kind: Backup
          metadata: {name: b1, namespace: team-a}
          spec:
            cleanPolicy: Delete
            br: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: p/b1, secretName: s3-secret}
          """);
      await().atMost(WAIT).until(() -> cluster.job(NS, "backup-b1") != null);
      AgentResult ok = new AgentResult();
      ok.success = true;
      ok.commitTs = "1";
      cluster.jobFinished(NS, "backup-b1", "2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", ok, 0);
      await().atMost(WAIT).until(() -> ConditionTypes.COMPLETE.equals(phase(Backup.class, "b1")));
      client.resources(Backup.class).inNamespace(NS).withName("b1").delete();
      await().atMost(WAIT).until(() -> cluster.job(NS, "clean-b1") != null);
      cluster.jobRunning(NS, "clean-b1", "2024-01-01T00:01:00Z");
      Thread.sleep(1500);
      cluster.finishClean(NS, "clean-b1", "{\"listed\":1,\"deleted\":1,\"failed\":0,\"requests\":{\"list\":2,"
          + "\"delete\":1},\"seconds\":0.1,\"rounds\":1,\"verified\":true}", 0);
      await().atMost(WAIT).until(() -> client.resources(Backup.class).inNamespace(NS).withName("b1").get() == null);
      // an inline SAS token becomes an owned Secret
      create(Backup.class, """
          kind: Backup
          metadata: {name: b2, namespace: team-a}
          spec:
            br: {cluster: basic}
            azblob: {container: c, storageAccount: acct, sasToken: "sv=1&sig=EXAMPLEONLY"}
          """);
      await().atMost(WAIT).until(() -> cluster.job(NS, "backup-b2") != null);
      // a restore to Complete
      create(Restore.class, """
          kind: Restore
          metadata: {name: r1, namespace: team-a}
          spec:
            br: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: p/b0, secretName: s3-secret}
          """);
      await().atMost(WAIT).until(() -> cluster.job(NS, "restore-r1") != null);
      cluster.jobFinished(NS, "restore-r1", "restore", "2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", ok, 0);
      await().atMost(WAIT).until(() -> ConditionTypes.COMPLETE.equals(phase(Restore.class, "r1")));
      // a compaction of a log backup
      client.resource(Serde.YAML.readValue("""
          apiVersion: pingcap.com/v1alpha1
          kind: CompactBackup
          metadata: {name: c1, namespace: team-a}
          spec:
            startTs: "443123456789000000"
            s3: {provider: aws, bucket: b, prefix: log, secretName: s3-secret}
          """, io.tidbbackup.api.CompactBackup.class)).create();
      await().atMost(WAIT).until(() -> cluster.job(NS, "compact-c1") != null);
      cluster.jobFinished(NS, "compact-c1", "compact", "2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", ok, 0);
      await().atMost(WAIT).until(() -> ConditionTypes.COMPLETE.equals(phase(io.tidbbackup.api.CompactBackup.class,
          "c1")));
      // a schedule creates Backups and its retention deletes them
      client.resource(Serde.YAML.readValue("""
          apiVersion: pingcap.com/v1alpha1
          kind: BackupSchedule
          metadata: {name: s1, namespace: team-a}
          spec:
            schedule: "@every 1s"
            maxBackups: 1
            backupTemplate:
              br: {cluster: basic}
              s3: {provider: aws, bucket: b, prefix: sched, secretName: s3-secret}
          """, io.tidbbackup.api.BackupSchedule.class)).create();
      String first = null;
      for (int i = 0; i < 2; i++) {
        String previous = first;
        await().atMost(WAIT).until(() -> scheduled().stream().anyMatch(c -> previous == null || c.compareTo(previous) > 0));
        String child = scheduled().stream().filter(c -> previous == null || c.compareTo(previous) > 0).findFirst()
            .orElseThrow();
        first = first == null ? child : first;
        await().atMost(WAIT).until(() -> cluster.job(NS, "backup-" + child) != null);
        cluster.jobFinished(NS, "backup-" + child, "2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", ok, 0);
        await().atMost(WAIT).until(() -> ConditionTypes.COMPLETE.equals(phase(Backup.class, child)));
      }
      String expired = first;
      await().atMost(WAIT).until(() -> !scheduled().contains(expired));
    } finally {
      operator.stop();
      operatorClient.close();
    }
    Set<HelmChart.Access> calls = new TreeSet<>(Comparator.comparing(Object::toString));
    RecordedRequest r;
    while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      String ua = r.getHeader("User-Agent");
      if (ua != null && ua.contains(AGENT)) {
        calls.add(access(r.getMethod(), r.getPath()));
      }
    }
    calls.forEach(System.out::println);
    return calls;
  }

  /** The schedule's live children, oldest first. */
  List<String> scheduled() {
    return client.resources(Backup.class).inNamespace(NS).withLabel("tidb.pingcap.com/backup-schedule", "s1").list()
        .getItems().stream().filter(b -> b.getMetadata().getDeletionTimestamp() == null)
        .map(b -> b.getMetadata().getName()).sorted().toList();
  }

  <T extends io.fabric8.kubernetes.api.model.HasMetadata> void create(Class<T> type, String yaml) throws Exception {
    client.resource(Serde.YAML.readValue("apiVersion: pingcap.com/v1alpha1\n" + yaml, type)).create();
  }

  <T extends io.fabric8.kubernetes.client.CustomResource<?, ? extends io.tidbbackup.api.HasPhase>> String phase(
      Class<T> type, String name) {
    T o = client.resources(type).inNamespace(NS).withName(name).get();
    return o == null || o.getStatus() == null ? null : o.getStatus().currentPhase();
  }

  /** {@code GET /apis/batch/v1/namespaces/ns/jobs?watch=true} → (watch, batch, jobs, ns, null), and so on. */
  static HelmChart.Access access(String method, String rawPath) {
    String path = rawPath;
    String query = "";
    int q = path.indexOf('?');
    if (q >= 0) {
      query = URLDecoder.decode(path.substring(q + 1), StandardCharsets.UTF_8);
      path = path.substring(0, q);
    }
    String[] p = path.substring(1).split("/");
    int i;
    String group;
    if (p[0].equals("api")) {
      group = "";
      i = 2;
    } else {
      group = p[1];
      i = 3;
    }
    String ns = null;
    if (p.length > i + 1 && p[i].equals("namespaces") && p.length > i + 2) {
      ns = p[i + 1];
      i += 2;
    }
    String resource = p[i];
    String name = p.length > i + 1 ? p[i + 1] : null;
    if (p.length > i + 2) {
      resource = resource + "/" + p[i + 2];
    }
    String verb = switch (method) {
      case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name != null ? "delete" : "deletecollection";
      default -> method.toLowerCase();
    };
    return new HelmChart.Access(verb, group, resource, ns, name);
  }
}
