package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static io.tidbbackup.e2e.E2E.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Serde;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.deploy.HelmChart;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two operator processes with leader election on the real control plane, each as its own
 * ServiceAccount (so the audit log tells them apart). The leader is stopped with SIGSTOP past its
 * lease; the standby takes over and runs the backups created meanwhile; the old leader is resumed
 * while a new Backup is being reconciled. Measured from the API server's audit log: no write of the
 * old leader lands after its successor acquired the Lease (its LeaseGuard refuses them and it
 * halts), and the successor did the work.
 */
class LeaderFailoverIT {
  static final String BUCKET = "failover";
  static LocalCluster cluster;
  static KubernetesClient k;
  static String ns;
  static final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    ns = cluster.namespace("failover");
    E2E.bucket(cluster.s3(), BUCKET);
  }

  @AfterAll
  static void stop() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** A ServiceAccount bound like the chart's operator account (its ClusterRole and Lease Role). */
  static String account(String name) throws Exception {
    return LocalCluster.installChartRbac(k, HelmChart.render("tbo-" + name, Map.of()));
  }

  static Process operator(String replica, String serviceAccount) throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "failover"));
    Path kubeconfig =
        cluster.controlPlane.writeKubeconfig(
            dir.resolve(replica + ".kubeconfig"),
            cluster.controlPlane.serviceAccountToken(
                LocalCluster.OPERATOR_NAMESPACE, serviceAccount),
            LocalCluster.OPERATOR_NAMESPACE);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tidbbackup.Main"));
    cmd.add("operator");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(replica + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
    env.put("LEADER_ELECTION", "true");
    env.put("POD_NAMESPACE", LocalCluster.OPERATOR_NAMESPACE);
    env.put("HOSTNAME", replica);
    env.put("WATCH_NAMESPACES", ns);
    env.put("HTTP_PORT", "-1");
    // the Jobs' image as the real node has it
    env.put("AGENT_IMAGE", LocalCluster.JOBS.agentImage());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  static Lease lease() {
    return k.leases()
        .inNamespace(LocalCluster.OPERATOR_NAMESPACE)
        .withName(OperatorSettings.LEASE_NAME)
        .get();
  }

  static String holder() {
    Lease l = lease();
    return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
  }

  static void signal(Process p, String sig) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor())
        .isZero();
  }

  @Test
  void aLeaderStoppedPastItsLeaseNeverWritesAfterItsSuccessorTookOver() throws Exception {
    Process a = operator("replica-a", account("a"));
    await().atMost(E2E.WAIT).until(() -> "replica-a".equals(holder()));
    Process b = operator("replica-b", account("b"));
    E2E.createBackup(k, E2E.backupYaml(cluster, ns, "before", BUCKET, "t/before", null));
    awaitBackup(k, ns, "before", phase("Complete"));

    signal(a, "STOP");
    Instant stopped = Instant.now();
    await().atMost(E2E.WAIT).until(() -> "replica-b".equals(holder()));
    Instant acquired = lease().getSpec().getAcquireTime().toInstant();
    System.out.printf(
        "failover: replica-b acquired the Lease %d ms after replica-a was stopped%n",
        Duration.between(stopped, acquired).toMillis());
    E2E.createBackup(k, E2E.backupYaml(cluster, ns, "during", BUCKET, "t/during", null));
    awaitBackup(k, ns, "during", phase("Complete"));

    // resumed while a new Backup waits to be reconciled: its informer delivers it at once
    E2E.createBackup(k, E2E.backupYaml(cluster, ns, "after", BUCKET, "t/after", null));
    signal(a, "CONT");
    assertThat(a.waitFor(60, TimeUnit.SECONDS)).as("the old leader halts").isTrue();
    awaitBackup(k, ns, "after", phase("Complete"));
    assertThat(b.isAlive()).isTrue();

    List<String> late = new ArrayList<>();
    int writesOfA = 0;
    int writesOfB = 0;
    for (String line : Files.readAllLines(cluster.controlPlane.auditLog())) {
      JsonNode e = Serde.JSON.readTree(line);
      String verb = e.path("verb").asText();
      if (Set.of("get", "list", "watch").contains(verb)
          || "leases".equals(e.path("objectRef").path("resource").asText())) {
        continue;
      }
      String user = e.path("user").path("username").asText();
      Instant at = Instant.parse(e.path("requestReceivedTimestamp").asText());
      boolean landed = e.path("responseStatus").path("code").asInt() < 400;
      if (user.endsWith(":tbo-a-tidb-backup-operator")) {
        writesOfA++;
        if (landed && !at.isBefore(acquired)) {
          late.add(verb + " " + e.path("requestURI").asText() + " at " + at);
        }
      } else if (user.endsWith(":tbo-b-tidb-backup-operator") && !at.isBefore(acquired)) {
        writesOfB++;
      }
    }
    System.out.printf(
        "failover: writes of replica-a in all %d, landed after the takeover %d; writes of"
            + " replica-b after it %d%n",
        writesOfA, late.size(), writesOfB);
    assertThat(late).as("writes of the old leader that landed after the takeover").isEmpty();
    assertThat(writesOfB).as("the successor did the work").isPositive();
    assertThat(Files.readString(Path.of("target", "failover", "replica-a.log")))
        .containsAnyOf("no longer holds the leader Lease", "lost the leader Lease");
  }

  /**
   * The fence itself, on the real API server: a client guarded for replica "me" sends no write
   * while another replica holds the Lease (reads pass), and writes again once "me" holds it.
   */
  @Test
  void theGuardSendsNoWriteOfAReplicaThatDoesNotHoldTheLease() {
    java.util.function.Consumer<String> holdBy =
        holder ->
            k.resource(
                    new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                        .withNewMetadata()
                        .withName("guard-test")
                        .withNamespace(LocalCluster.OPERATOR_NAMESPACE)
                        .endMetadata()
                        .withNewSpec()
                        .withHolderIdentity(holder)
                        .withLeaseDurationSeconds(15)
                        .withRenewTime(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC))
                        .endSpec()
                        .build())
                .forceConflicts()
                .serverSideApply();
    holdBy.accept("someone-else");
    java.util.concurrent.atomic.AtomicBoolean lost =
        new java.util.concurrent.atomic.AtomicBoolean();
    var guard =
        new io.tidbbackup.operator.app.LeaseGuard(
            k,
            LocalCluster.OPERATOR_NAMESPACE,
            "guard-test",
            "me",
            Duration.ofSeconds(2),
            () -> lost.set(true));
    var cm =
        new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
            .withNewMetadata()
            .withName("fenced")
            .withNamespace(ns)
            .endMetadata()
            .build();
    try (KubernetesClient guarded =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(k.getConfiguration())
            .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("lease-guard", guard))
            .build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> guarded.resource(cm).create())
          .hasMessageContaining("no longer holds the leader Lease");
      assertThat(lost).isTrue();
      assertThat(k.configMaps().inNamespace(ns).withName("fenced").get()).isNull();
      assertThat(guarded.configMaps().inNamespace(ns).list().getItems()).isNotNull();

      holdBy.accept("me");
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> guarded.resource(cm).create() != null);
      assertThat(k.configMaps().inNamespace(ns).withName("fenced").get()).isNotNull();
    }
  }
}
