package io.tidbbackup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.controlplane.ChartOperator;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.controlplane.RealNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Job pods as containers on a real node (kubelet, containerd, runc; {@link RealNode}) of a control
 * plane of its own: the operator's Jobs run this project's image built from its Dockerfile, the
 * init container copies the stand-in {@code br} out of a {@code pingcap/br} image into an emptyDir,
 * the agent runs it as uid 65532 under the hardened security context, its result reaches status
 * through the termination message, and the clean Job deletes the prefix in S3 from inside its
 * container, leaving the sentinel outside it.
 */
class RealNodeIT {
  static final String BUCKET = "realnode";
  static LocalCluster cluster;
  static RealNode node;
  static S3Client s3;
  static String endpoint;
  static LocalCluster.RunningOperator operator;
  static KubernetesClient k;
  static String NS;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    node = cluster.node;
    endpoint = cluster.s3Endpoint();
    s3 = cluster.s3();
    E2E.bucket(s3, BUCKET);
    NS = cluster.namespace("real");
    k.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("tidb-secret")
                .withNamespace(NS)
                .endMetadata()
                .withData(Map.of("password", LocalCluster.b64("EXAMPLE-pw")))
                .build())
        .create();
    operator = cluster.startOperator(Set.of(NS));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void aBackupRunsInContainersAndItsCleanEmptiesThePrefix() {
    apply("Backup", "b1", "cleanPolicy: Delete\nbr:\n  cluster: basic\n" + storage("team/b1"));
    Backup done =
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> k.resources(Backup.class).inNamespace(NS).withName("b1").get(),
                b ->
                    b.getStatus() != null && "Complete".equals(b.getStatus().phase)
                        || b.getStatus() != null && "Failed".equals(b.getStatus().phase));
    Pod pod = k.pods().inNamespace(NS).withLabel("job-name", "backup-b1").list().getItems().get(0);
    assertThat(done.getStatus().phase)
        .as("backup pod: %s; log: %s", pod.getStatus(), podLog(pod, "backup"))
        .isEqualTo("Complete");
    // what the stand-in br wrote to S3 from its container and printed, read by the agent there
    assertThat(done.getStatus().commitTs)
        .isEqualTo(
            s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("team/b1/backupmeta")).asUtf8String());
    assertThat(E2E.keys(s3, BUCKET, "team/b1/")).hasSize(200).contains("team/b1/backup.lock");
    assertThat(pod.getSpec().getNodeName()).isEqualTo(node.name());
    assertThat(
            pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isZero();
    String log =
        k.pods()
            .inNamespace(NS)
            .withName(pod.getMetadata().getName())
            .inContainer("backup")
            .getLog();
    assertThat(log).contains("Full Backup success summary");

    E2E.put(s3, BUCKET, "team/b1-sentinel");
    k.resources(Backup.class).inNamespace(NS).withName("b1").delete();
    E2E.awaitGone(k, Backup.class, NS, "b1", Duration.ofSeconds(180));
    assertThat(E2E.keys(s3, BUCKET, "team/")).containsExactly("team/b1-sentinel");
  }

  /**
   * The operator as the chart installs it, a pod on the node from the image built from the
   * Dockerfile: its ServiceAccount token with the chart's RBAC, the image's JVM flags under the
   * chart's memory limit on a read-only root filesystem, its probes called by the kubelet, leader
   * election through its Lease; a Backup of its namespace goes to Complete and a cleanPolicy:
   * Delete deletion empties the prefix, the sentinel beside it kept. The API server listens on
   * loopback only, so the pod reaches it through a forwarder on the node's host address (what a
   * Service would be), and trusts its self-signed certificate.
   */
  @Test
  void theChartsOperatorRunsAsAPodAndBacksUp() throws Exception {
    String ns = "incluster";
    String release = "tbo-pod";
    String opNs = "tbo-pod-system";
    k.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    s3Secret(ns);
    try (ChartOperator chart = ChartOperator.install(cluster, release, opNs, List.of(ns))) {
      Pod op = chart.awaitReady(Duration.ofSeconds(180));
      assertThat(op.getSpec().getNodeName()).isEqualTo(node.name());
      assertThat(
              op.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem())
          .isTrue();
      apply(
          ns, "Backup", "p1", "cleanPolicy: Delete\nbr:\n  cluster: basic\n" + storage("team/p1"));
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> k.resources(Backup.class).inNamespace(ns).withName("p1").get(),
              b -> b.getStatus() != null && "Complete".equals(b.getStatus().phase));
      assertThat(k.leases().inNamespace(opNs).list().getItems()).isNotEmpty();
      E2E.put(s3, BUCKET, "team/p1-sentinel");
      k.resources(Backup.class).inNamespace(ns).withName("p1").delete();
      E2E.awaitGone(k, Backup.class, ns, "p1", Duration.ofSeconds(180));
      assertThat(E2E.keys(s3, BUCKET, "team/p1")).containsExactly("team/p1-sentinel");
      // the operator pod never restarted: its JVM fits the chart's limit with the image's flags
      assertThat(
              k.pods()
                  .inNamespace(opNs)
                  .withName(op.getMetadata().getName())
                  .get()
                  .getStatus()
                  .getContainerStatuses()
                  .get(0)
                  .getRestartCount())
          .isZero();
    }
  }

  /** The S3 credentials Secret {@code s3-secret} in {@code ns}. */
  static void s3Secret(String ns) {
    k.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-secret")
                .withNamespace(ns)
                .endMetadata()
                .withData(
                    Map.of(
                        "access_key", LocalCluster.b64(LocalCluster.ACCESS_KEY),
                        "secret_key", LocalCluster.b64(LocalCluster.SECRET_KEY)))
                .build())
        .create();
  }

  static String storage(String prefix) {
    return "s3:\n  provider: ceph\n  secretName: s3-secret\n  endpoint: "
        + endpoint
        + "\n  forcePathStyle: true\n  bucket: "
        + BUCKET
        + "\n  prefix: "
        + prefix
        + "\n";
  }

  /**
   * Every kind of Job, each a pod of containers on the node: a restore, a log backup's start, a
   * compaction (tikv-ctl of v8.5.5), a Dumpling export and a Lightning import each reach their end
   * state from what the stand-in tool printed and the agent reported through the termination
   * message; a tool that fails makes its Backup Failed with the tool's error line.
   */
  @Test
  void everyKindOfJobRunsInContainers() {
    String s3 =
        "s3:\n  provider: ceph\n  secretName: s3-secret\n  endpoint: "
            + endpoint
            + "\n  forcePathStyle: true\n  bucket: "
            + BUCKET
            + "\n";
    // the backup the restore reads first, as BR does
    RealNodeIT.s3.putObject(
        b -> b.bucket(BUCKET).key("team/full/backupmeta"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("450153676800000000"));
    apply("Restore", "r1", "br:\n  cluster: basic\n" + s3 + "  prefix: team/full\n");
    apply(
        "Backup", "log1", "backupMode: log\nbr:\n  cluster: basic\n" + s3 + "  prefix: team/log\n");
    apply(
        "CompactBackup",
        "c1",
        "tikvImage: pingcap/tikv:v8.5.5\nstartTs: '443123456789000000'\nendTs: '443123456789900000'\n"
            + "br:\n  cluster: basic\n"
            + s3
            + "  prefix: team/log\n");
    apply(
        "Backup",
        "dump1",
        "from: {host: basic-tidb, port: 4000, user: root, secretName: tidb-secret}\n"
            + s3
            + "  prefix: team/dump\n");
    apply(
        "Restore",
        "light1",
        "to: {host: basic-tidb, port: 4000, user: root, secretName: tidb-secret}\n"
            + s3
            + "  prefix: team/dump/backup-x\n");
    apply("Backup", "bad", "br:\n  cluster: basic\n" + s3 + "  prefix: team/fail\n");

    assertThat(awaitPhase(Restore.class, "r1", "Complete").getStatus().commitTs)
        .isEqualTo("450153676800000000");
    // a log backup stays Running while its task runs; log start's Job reported its start-ts
    await()
        .atMost(Duration.ofSeconds(180))
        .until(
            () -> k.resources(Backup.class).inNamespace(NS).withName("log1").get(),
            b ->
                b.getStatus() != null
                    && b.getStatus().commitTs != null
                    && b.getStatus().commitTs.matches("\\d{18}"));
    // the marker files the stand-in's log start wrote from its container
    assertThat(E2E.keys(RealNodeIT.s3, BUCKET, "team/log/")).contains("team/log/backup.lock");
    await()
        .atMost(Duration.ofSeconds(180))
        .until(
            () -> k.resources(CompactBackup.class).inNamespace(NS).withName("c1").get(),
            c -> c.getStatus() != null && "Complete".equals(c.getStatus().state));
    awaitPhase(Backup.class, "dump1", "Complete");
    awaitPhase(Restore.class, "light1", "Complete");
    // the failed attempt, with BR's error line, before backoffRetryPolicy's retry
    await()
        .atMost(Duration.ofSeconds(180))
        .until(
            () -> k.resources(Backup.class).inNamespace(NS).withName("bad").get(),
            b ->
                b.getStatus() != null
                    && b.getStatus().conditions != null
                    && b.getStatus().conditions.stream()
                        .anyMatch(
                            c ->
                                c.message != null && c.message.contains("stand-in: told to fail")));
  }

  void apply(String kind, String name, String spec) {
    apply(NS, kind, name, spec);
  }

  void apply(String ns, String kind, String name, String spec) {
    String yaml =
        "apiVersion: pingcap.com/v1alpha1\nkind: "
            + kind
            + "\nmetadata: {name: "
            + name
            + ", namespace: "
            + ns
            + "}\nspec:\n"
            + spec.indent(2);
    Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type =
        switch (kind) {
          case "Backup" -> Backup.class;
          case "Restore" -> Restore.class;
          default -> CompactBackup.class;
        };
    k.resource(Serde.YAML.convertValue(readTree(yaml), type)).create();
  }

  static <T extends io.fabric8.kubernetes.client.CustomResource<?, ?>> T awaitPhase(
      Class<T> type, String name, String phase) {
    return await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> k.resources(type).inNamespace(NS).withName(name).get(),
            o -> {
              Object st = o.getStatus();
              String p =
                  st instanceof io.tidbbackup.api.BackupStatus b
                      ? b.phase
                      : st instanceof io.tidbbackup.api.RestoreStatus r ? r.phase : null;
              return phase.equals(p);
            });
  }

  static String podLog(Pod pod, String container) {
    try {
      return k.pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .inContainer(container)
          .getLog();
    } catch (RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static com.fasterxml.jackson.databind.JsonNode readTree(String yaml) {
    try {
      return Serde.YAML.readTree(yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
