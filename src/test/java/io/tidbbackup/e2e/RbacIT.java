package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static io.tidbbackup.e2e.E2E.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.deploy.HelmChart;
import io.tidbbackup.operator.app.OperatorFactory;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart's RBAC, exactly: the operator runs a tour of everything it does (backups with a clean
 * on delete and an inline SAS token, a restore, a compaction, a schedule whose retention deletes a
 * child, a namespace deletion that forces an in-process clean with the Secret it held, leader
 * election) as a ServiceAccount bound only by the chart's own rendered roles (release {@value
 * #RELEASE}). The API server's audit log then says what it really asked for: no request may be
 * refused (a missing grant), and every verb the chart grants must have been used (an excess grant),
 * unless it is listed below with the reason the tour cannot reach it.
 */
class RbacIT {
  static final String RELEASE = "tbo-audit";
  static final String BUCKET = "rbac";

  /** Grants the tour cannot exercise, with the reason; each must still be granted. */
  static final Map<String, String> NOT_REACHED =
      Map.of(
          "get pingcap.com/tidbclusters",
              "read only when the TidbCluster CRD exists; the shared e2e cluster has none",
          "get pingcap.com/restores",
              "a status update that meets a conflict re-reads the object; none met one here",
          "get pingcap.com/backupschedules", "as restores",
          "get pingcap.com/compactbackups", "as restores",
          "create pingcap.com/compactbackups",
              "a schedule with compactInterval creates them; the tour's runs snapshots",
          "delete pingcap.com/compactbackups", "as create",
          "update coordination.k8s.io/leases",
              "JOSDK refuses to start leader election without it (it renews by patch)",
          "patch /events",
              "a cause said again raises its Event's count (EventRecorderTest); the tour says each"
                  + " cause once");

  /**
   * Grants of NOT_REACHED that the tour reaches when an object another test left in the shared
   * cluster says its cause twice (the operator here serves every namespace): a repeated Event's
   * count patch; or when a Restore another test left names a BackupSchedule (spec.backupSource),
   * which the operator reads by name.
   */
  static final Set<String> MAY_BE_REACHED =
      Set.of("patch /events", "get pingcap.com/backupschedules");

  @Test
  void theOperatorNeedsEveryGrantOfTheChartAndNoMore() throws Exception {
    LocalCluster cluster = LocalCluster.get();
    KubernetesClient k = cluster.admin;
    String ns = cluster.namespace("rbac");
    String doomed = cluster.namespace("rbac-doomed");
    // with the Secret reads the in-process clean of a terminating namespace needs
    List<JsonNode> chart =
        HelmChart.render(
            // the tour is v1's: the chart's rules for pingcap.com alone are checked to the verb
            // here;
            // br.pingcap.com's are exercised by V2ApiIT, which runs with the chart's default RBAC
            RELEASE, Map.of("rbac.readSecrets", true, "apiGroups[0]", "pingcap.com"));
    String sa = LocalCluster.installChartRbac(k, chart);
    String user = "system:serviceaccount:" + LocalCluster.OPERATOR_NAMESPACE + ":" + sa;
    E2E.bucket(cluster.s3(), BUCKET);

    KubernetesClient client = cluster.operatorClient(sa);
    OperatorSettings settings =
        new OperatorSettings(
            Set.of(),
            LocalCluster.JOBS,
            OperatorSettings.DEFAULT_TIKV_VERSION,
            true,
            CleanJobPolicy.defaults(),
            LocalCluster.OPERATOR_NAMESPACE,
            io.tidbbackup.operator.settings.ReconcileIntervals.defaults(),
            null,
            null,
            java.util.EnumSet.of(io.tidbbackup.operator.surface.ApiSurface.V1),
            true);
    Operator operator =
        OperatorFactory.create(client, settings, Clock.systemUTC(), new SimpleMeterRegistry());
    try {
      // the startup check of the installed CRDs, with the chart's permissions: this release's CRDs
      assertThat(io.tidbbackup.crd.CrdCheck.check(client, Set.of("pingcap.com"))).isEmpty();
      operator.start();
      tour(cluster, k, ns, doomed);
    } finally {
      operator.stop();
      client.close();
    }

    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(cluster.controlPlane.auditLog())) {
      JsonNode e = Serde.JSON.readTree(line);
      if (user.equals(e.path("user").path("username").asText())) {
        events.add(e);
      }
    }
    assertThat(events).as("audit events of %s", user).isNotEmpty();
    // RBAC's own verdict (a 403 for a terminating namespace is admission's, and expected in the
    // tour)
    List<String> refused =
        events.stream()
            .filter(
                e ->
                    !"allow"
                        .equals(
                            e.path("annotations").path("authorization.k8s.io/decision").asText()))
            .map(e -> e.path("verb").asText() + " " + e.path("requestURI").asText())
            .distinct()
            .toList();

    Set<String> used = new TreeSet<>();
    for (JsonNode e : events) {
      JsonNode ref = e.path("objectRef");
      String resource =
          ref.path("resource").asText()
              + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
      used.add(e.path("verb").asText() + " " + ref.path("apiGroup").asText("") + "/" + resource);
    }
    Map<String, String> unused = new LinkedHashMap<>();
    for (String grant : grants(chart)) {
      if (!used.contains(grant)) {
        unused.put(grant, NOT_REACHED.get(grant));
      }
    }
    System.out.println("RBAC: used by the operator: " + used);
    System.out.println("RBAC: granted but not used: " + unused);
    System.out.println("RBAC: refused: " + refused);
    assertThat(refused).as("requests the chart's RBAC refused").isEmpty();
    assertThat(
            unused.entrySet().stream()
                .filter(u -> u.getValue() == null)
                .map(Map.Entry::getKey)
                .toList())
        .as(
            "grants of the chart the operator never used (remove them, or say why the tour cannot reach them)")
        .isEmpty();
    assertThat(unused.keySet())
        .as("NOT_REACHED lists only grants of the chart that went unused")
        .containsAll(
            NOT_REACHED.keySet().stream().filter(g -> !MAY_BE_REACHED.contains(g)).toList());
  }

  /**
   * "verb group/resource" (core group: "get /pods") for every grant of the rendered ClusterRoles
   * and Roles.
   */
  static Set<String> grants(List<JsonNode> chart) {
    Set<String> out = new TreeSet<>();
    for (JsonNode role : chart) {
      String kind = role.path("kind").asText();
      if (!kind.equals("ClusterRole") && !kind.equals("Role")) {
        continue;
      }
      for (JsonNode rule : role.path("rules")) {
        for (JsonNode g : rule.path("apiGroups")) {
          for (JsonNode r : rule.path("resources")) {
            for (JsonNode v : rule.path("verbs")) {
              out.add(v.asText() + " " + g.asText() + "/" + r.asText());
            }
          }
        }
      }
    }
    return out;
  }

  private static void tour(LocalCluster cluster, KubernetesClient k, String ns, String doomed)
      throws Exception {
    // a backup with cleanPolicy Delete: Job, Complete, delete, clean Job (progress read from its
    // log), released
    E2E.createBackup(k, E2E.backupYaml(cluster, ns, "b1", BUCKET, "t/b1", "cleanPolicy: Delete"));
    awaitBackup(k, ns, "b1", phase("Complete"));
    k.resources(Backup.class).inNamespace(ns).withName("b1").delete();
    E2E.awaitGone(k, Backup.class, ns, "b1", E2E.WAIT);
    // a Job that cannot create its pod (no such ServiceAccount): the Job controller's FailedCreate
    // event is read, and said in PodStarted
    E2E.createBackup(
        k, E2E.backupYaml(cluster, ns, "no-sa", BUCKET, "t/no-sa", "serviceAccount: missing"));
    awaitBackup(
        k,
        ns,
        "no-sa",
        b ->
            b.getStatus() != null
                && b.getStatus().conditions != null
                && b.getStatus().conditions.stream()
                    .anyMatch(c -> "FailedCreate".equals(c.reason)));
    k.resources(Backup.class).inNamespace(ns).withName("no-sa").delete();
    E2E.awaitGone(k, Backup.class, ns, "no-sa", E2E.WAIT);
    // an inline SAS token becomes an owned Secret (the Job fails here: the local kubelet simulates
    // S3 only)
    k.resource(
            Serialization.unmarshal(
                """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: b2, namespace: %s}
        spec:
          br: {cluster: basic}
          azblob: {container: c, storageAccount: acct, sasToken: "sv=1&sig=EXAMPLEONLY"}
        """
                    .formatted(ns),
                Backup.class))
        .create();
    await()
        .atMost(E2E.WAIT)
        .until(() -> k.batch().v1().jobs().inNamespace(ns).withName("backup-b2").get() != null);
    // a restore to Complete
    k.resource(
            Serialization.unmarshal(
                """
        apiVersion: pingcap.com/v1alpha1
        kind: Restore
        metadata: {name: r1, namespace: %s}
        spec:
          br: {cluster: basic}
          s3: {provider: aws, bucket: %s, prefix: t/b0, secretName: s3-secret, endpoint: %s, forcePathStyle: true}
        """
                    .formatted(ns, BUCKET, cluster.s3Endpoint()),
                Restore.class))
        .create();
    await()
        .atMost(E2E.WAIT)
        .until(
            () -> {
              Restore r = E2E.restore(k, ns, "r1");
              return r != null && r.getStatus() != null && r.getStatus().phase != null;
            });
    // a compaction of a log backup
    k.resource(
            Serialization.unmarshal(
                """
        apiVersion: pingcap.com/v1alpha1
        kind: CompactBackup
        metadata: {name: c1, namespace: %s}
        spec:
          tikvImage: pingcap/tikv:nightly
          startTs: "443123456789000000"
          s3: {provider: aws, bucket: %s, prefix: log, secretName: s3-secret, endpoint: %s, forcePathStyle: true}
        """
                    .formatted(ns, BUCKET, cluster.s3Endpoint()),
                CompactBackup.class))
        .create();
    await()
        .atMost(E2E.WAIT)
        .until(
            () -> {
              CompactBackup c =
                  k.resources(CompactBackup.class).inNamespace(ns).withName("c1").get();
              return c != null && c.getStatus() != null && "Complete".equals(c.getStatus().state);
            });
    // a schedule creates Backups, its retention deletes the oldest
    k.resource(
            Serialization.unmarshal(
                """
        apiVersion: pingcap.com/v1alpha1
        kind: BackupSchedule
        metadata: {name: s1, namespace: %s}
        spec:
          schedule: "@every 1s"
          maxBackups: 1
          backupTemplate:
            br: {cluster: basic}
            s3: {provider: aws, bucket: %s, prefix: sched, secretName: s3-secret, endpoint: %s, forcePathStyle: true}
        """
                    .formatted(ns, BUCKET, cluster.s3Endpoint()),
                io.tidbbackup.api.BackupSchedule.class))
        .create();
    List<String> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              k.resources(Backup.class)
                  .inNamespace(ns)
                  .withLabel("tidb.pingcap.com/backup-schedule", "s1")
                  .list()
                  .getItems()
                  .forEach(
                      b -> {
                        if (!seen.contains(b.getMetadata().getName())) {
                          seen.add(b.getMetadata().getName());
                        }
                      });
              return seen.size() >= 2
                  && k.resources(Backup.class).inNamespace(ns).withName(seen.get(0)).get() == null;
            });
    k.resources(io.tidbbackup.api.BackupSchedule.class).inNamespace(ns).withName("s1").delete();
    // a namespace deletion: no Job may run there, so the operator cleans a Delete-policy backup
    // in-process, with the credentials it held (its finalizer on their Secret, by patch), then
    // releases them and the namespace goes
    E2E.createBackup(
        k, E2E.backupYaml(cluster, doomed, "d1", BUCKET, "t/d1", "cleanPolicy: Delete"));
    awaitBackup(k, doomed, "d1", phase("Complete"));
    k.namespaces().withName(doomed).delete();
    E2E.awaitGone(k, Backup.class, doomed, "d1", E2E.WAIT);
    await().atMost(E2E.WAIT).until(() -> k.namespaces().withName(doomed).get() == null);
  }
}
