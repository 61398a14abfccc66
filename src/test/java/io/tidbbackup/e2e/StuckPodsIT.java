package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.Restore;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.controlplane.LocalKubelet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Pods that never start, on the real control plane and the real node: the Job controller refusing
 * to create a pod whose ServiceAccount does not exist (ServiceAccount admission, its FailedCreate
 * event), a pod whose image the kubelet cannot pull (ErrImagePull, ImagePullBackOff), a pod whose
 * Secret is missing (CreateContainerConfigError). Each is said in {@code PodStarted=False} with
 * Kubernetes' reason and a Warning event, then, at the start deadline (20 s here), becomes {@code
 * Failed} with its Job deleted; a clean whose pod never starts releases the Backup with the data
 * kept and says so; a compaction says it in its message. Nothing waits for ever.
 */
class StuckPodsIT {
  static final String BUCKET = "stuck";
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static LocalCluster cluster;
  static KubernetesClient k;
  static String ns;
  static LocalCluster.RunningOperator operator;
  static S3Client s3;
  static String sim;

  /** A tool image the node was never given. */
  static final String ABSENT_BR = "pingcap/br:v8.5.9";

  static final List<String> PULL_FAILURES = List.of("ImagePullBackOff", "ErrImagePull");

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    ns = cluster.namespace("stuck");
    sim = cluster.simulatedNamespace("stuck-sim");
    s3 = cluster.s3();
    E2E.bucket(s3, BUCKET);
    operator =
        cluster.startOperator(
            Set.of(ns, sim),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            LocalCluster.JOBS.withPodStartDeadline(DEADLINE));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @AfterEach
  void clear() {
    cluster.kubelet.clearInjections();
  }

  static BackupCondition condition(List<BackupCondition> conditions, String type) {
    return conditions == null
        ? null
        : conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
  }

  static List<String> warnings(String name) {
    return warnings(ns, name);
  }

  static List<String> warnings(String ns, String name) {
    return k.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> "PodNotStarted".equals(e.getReason()))
        .map(io.fabric8.kubernetes.api.model.Event::getMessage)
        .toList();
  }

  @Test
  void aMissingServiceAccountIsSaidThenFailsTheBackupAtTheDeadline() {
    E2E.createBackup(
        k,
        E2E.backupYaml(cluster, ns, "no-sa", BUCKET, "t/no-sa", "serviceAccount: no-such-account"));
    Backup said =
        awaitBackup(
            k,
            ns,
            "no-sa",
            b ->
                b.getStatus() != null && condition(b.getStatus().conditions, "PodStarted") != null);
    BackupCondition c = condition(said.getStatus().conditions, "PodStarted");
    assertThat(c.status).isEqualTo("False");
    assertThat(c.reason).isEqualTo("FailedCreate");
    assertThat(c.message).contains("no-such-account", "fails at");
    assertThat(said.getStatus().phase).isNotEqualTo("PodStarted");

    Backup failed =
        awaitBackup(
            k, ns, "no-sa", b -> b.getStatus() != null && "Failed".equals(b.getStatus().phase));
    BackupCondition f = condition(failed.getStatus().conditions, "Failed");
    assertThat(f.reason).isEqualTo("PodNotStarted");
    assertThat(f.message).contains("did not start within 20s", "FailedCreate", "no-such-account");
    await()
        .atMost(E2E.WAIT)
        .until(() -> k.batch().v1().jobs().inNamespace(ns).withName("backup-no-sa").get() == null);
    // one Warning for the cause, one for the failure: never one per reconcile
    assertThat(warnings("no-sa"))
        .hasSize(2)
        .anySatisfy(m -> assertThat(m).startsWith("Job backup-no-sa cannot create its pod"))
        .anySatisfy(
            fail -> assertThat(fail).startsWith("the backup failed: its pod did not start"));
  }

  @Test
  void anImageThatCannotBePulledFailsTheBackupAndItsJobIsDeleted() {
    // a tool image the node does not have: the kubelet's pull fails (the node has no name server
    // and no route off the machine), as a pull from a registry that refuses does
    E2E.createBackup(
        k, E2E.backupYaml(cluster, ns, "pull", BUCKET, "t/pull", "toolImage: " + ABSENT_BR));
    Backup said =
        awaitBackup(
            k,
            ns,
            "pull",
            b ->
                b.getStatus() != null && condition(b.getStatus().conditions, "PodStarted") != null);
    assertThat(condition(said.getStatus().conditions, "PodStarted").reason).isIn(PULL_FAILURES);
    Backup failed =
        awaitBackup(
            k, ns, "pull", b -> b.getStatus() != null && "Failed".equals(b.getStatus().phase));
    assertThat(condition(failed.getStatus().conditions, "Failed").message)
        .containsPattern("ImagePullBackOff|ErrImagePull")
        .contains(ABSENT_BR);
    await()
        .atMost(E2E.WAIT)
        .until(() -> k.batch().v1().jobs().inNamespace(ns).withName("backup-pull").get() == null);
  }

  /**
   * A CompactBackup's status has no conditions: the cause is its message while it stays Scheduled
   * (its pod was created, but tikv-ctl never ran: not Running), then it fails at the deadline.
   */
  @Test
  void aCompactionWhoseImageCannotBePulledSaysWhyThenFails() {
    k.resource(
            io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                """
                apiVersion: pingcap.com/v1alpha1
                kind: CompactBackup
                metadata: {name: cpull, namespace: %s}
                spec:
                  tikvImage: pingcap/tikv:v8.5.9
                  startTs: "443123456789000000"
                  endTs: "443123456789900000"
                  s3: {provider: aws, bucket: %s, prefix: log, secretName: s3-secret, endpoint: %s}
                """
                    .formatted(ns, BUCKET, cluster.s3Endpoint()),
                io.tidbbackup.api.CompactBackup.class))
        .create();
    java.util.function.Supplier<io.tidbbackup.api.CompactStatus> status =
        () -> {
          var c =
              k.resources(io.tidbbackup.api.CompactBackup.class)
                  .inNamespace(ns)
                  .withName("cpull")
                  .get();
          return c == null || c.getStatus() == null
              ? new io.tidbbackup.api.CompactStatus()
              : c.getStatus();
        };
    var said =
        await()
            .atMost(E2E.WAIT)
            .until(
                status::get,
                st ->
                    st.message != null
                        && st.message.matches("(?s).*(ImagePullBackOff|ErrImagePull).*"));
    assertThat(said.state).isEqualTo("Scheduled");
    assertThat(said.timeStarted).as("tikv-ctl never ran").isNull();
    var failed = await().atMost(E2E.WAIT).until(status::get, st -> "Failed".equals(st.state));
    assertThat(failed.message)
        .containsPattern(
            "^the compaction failed: its pod did not start within 20s \\((ImagePullBackOff|ErrImagePull)\\)")
        .contains("pingcap/tikv:v8.5.9");
    await()
        .atMost(E2E.WAIT)
        .until(() -> k.batch().v1().jobs().inNamespace(ns).withName("compact-cpull").get() == null);
    // one PodNotStarted Warning for the cause (the failure's is reason Failed): not one per
    // reconcile
    assertThat(warnings("cpull")).hasSize(1);
  }

  @Test
  void aRestoreWhoseSecretIsMissingFailsWithoutAPrune() {
    E2E.createRestore(
        k,
        E2E.restoreYaml(cluster, ns, "no-secret", BUCKET, "t/none")
                .replace("secretName: s3-secret", "secretName: not-there")
            + "  prune: afterFailed\n  toolImage: pingcap/br:v8.5.5\n");
    Restore failed =
        await()
            .atMost(E2E.WAIT)
            .until(
                () -> E2E.restore(k, ns, "no-secret"),
                r -> r.getStatus() != null && "Failed".equals(r.getStatus().phase));
    BackupCondition said = condition(failed.getStatus().conditions, "PodStarted");
    assertThat(said.reason).isEqualTo("CreateContainerConfigError");
    assertThat(condition(failed.getStatus().conditions, "Failed").message)
        .contains("CreateContainerConfigError", "not-there");
    // BR never ran: no prune Job
    assertThat(k.batch().v1().jobs().inNamespace(ns).withName("restore-no-secret-prune").get())
        .isNull();
  }

  @Test
  void aCleanWhosePodNeverStartsReleasesTheBackupWithTheDataKept() {
    // simulated: the clean Job runs the operator's image, which the backup's pod had just run; only
    // a simulated kubelet fails that one pull
    String ns = sim;
    E2E.createBackup(
        k,
        E2E.backupYaml(cluster, ns, "clean-stuck", BUCKET, "t/clean-stuck", "cleanPolicy: Delete"));
    awaitBackup(k, ns, "clean-stuck", E2E.phase("Complete"));
    E2E.put(s3, BUCKET, "t/clean-stuck/backupmeta");
    cluster.kubelet.inject(
        LocalKubelet.ofJob(ns, "clean-clean-stuck"), LocalKubelet.Fault.IMAGE_PULL_BACKOFF);
    k.resources(Backup.class).inNamespace(ns).withName("clean-stuck").delete();
    E2E.awaitGone(k, Backup.class, ns, "clean-stuck", Duration.ofSeconds(120));
    assertThat(E2E.keys(s3, BUCKET, "t/clean-stuck/")).contains("t/clean-stuck/backupmeta");
    assertThat(warnings(ns, "clean-stuck"))
        .anySatisfy(m -> assertThat(m).contains("cannot start", "ImagePullBackOff"))
        .anySatisfy(m -> assertThat(m).contains("never started", "the data is kept"));
    await()
        .atMost(E2E.WAIT)
        .until(
            () ->
                k.batch().v1().jobs().inNamespace(ns).withName("clean-clean-stuck").get() == null);
  }
}
