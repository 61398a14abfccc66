package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static io.tidbbackup.e2e.E2E.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.controlplane.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A Backup and a Restore through their whole lives on the real control plane: the operator (with
 * the chart's RBAC) creates the Job, the Job controller its pod, the local kubelet runs it; status
 * and printer columns as kubectl shows them; delete with {@code cleanPolicy: Delete} runs a real
 * {@code agent clean}, the prefix is emptied and the sentinels beside it survive, the finalizer is
 * released and the garbage collector removes the Jobs.
 */
class BackupLifecycleIT {
  static final String BUCKET = "lifecycle";
  static LocalCluster cluster;
  static KubernetesClient k;
  static String ns;
  static LocalCluster.RunningOperator operator;
  static Path kubeconfig;
  static String sim;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    ns = cluster.namespace("lifecycle");
    sim = cluster.simulatedNamespace("lifecycle-sim");
    kubeconfig = cluster.kubeconfig(ns);
    s3 = cluster.s3();
    E2E.bucket(s3, BUCKET);
    operator = cluster.startOperator(Set.of(ns, sim));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void backupRunsToCompleteRestoreFromItThenDeleteCleansExactlyItsPrefix() throws Exception {
    List<String> sentinels =
        List.of("team/b1-old/backupmeta", "team/b10/backupmeta", "team/b1.tmp", "README");
    sentinels.forEach(key -> E2E.put(s3, BUCKET, key));

    E2E.createBackup(
        k, E2E.backupYaml(cluster, ns, "b1", BUCKET, "team/b1", "cleanPolicy: Delete"));
    var wait =
        cluster.controlPlane.kubectl(
            kubeconfig, "wait", "--for=condition=Complete", "bk/b1", "--timeout=90s");
    assertThat(wait.exitCode()).as(wait.output()).isZero();
    assertThat(wait.output()).contains("backup.pingcap.com/b1 condition met");
    Backup b = E2E.backup(k, ns, "b1");
    assertThat(b.getStatus().phase).isEqualTo("Complete");
    assertThat(b.getStatus().commitTs).isNotEmpty();
    assertThat(b.getStatus().backupPath).isEqualTo("s3://" + BUCKET + "/team/b1");
    assertThat(b.getMetadata().getFinalizers()).contains("tidb.pingcap.com/backup-protection");

    Job job = k.batch().v1().jobs().inNamespace(ns).withName("backup-b1").get();
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(b.getMetadata().getUid()));
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(E2E.keys(s3, BUCKET, "team/b1/")).hasSize(200);

    var get = cluster.controlPlane.kubectl(kubeconfig, "get", "bk", "b1");
    assertThat(get.exitCode()).as(get.output()).isZero();
    assertThat(get.output().lines().findFirst().orElseThrow())
        .contains("NAME", "TYPE", "MODE", "STATUS", "BACKUPPATH", "BACKUPSIZE", "COMMITTS");
    assertThat(get.output()).contains("b1", "snapshot", "Complete", "s3://" + BUCKET + "/team/b1");

    var describe = cluster.controlPlane.kubectl(kubeconfig, "describe", "bk", "b1");
    assertThat(describe.output())
        .as("kubectl describe shows the operator's events")
        .contains("Events:")
        .containsPattern("Normal\\s+\\S+\\s+.*backup-b1");
    assertThat(describe.output()).doesNotContain(LocalCluster.SECRET_KEY);

    k.resource(
            Serialization.unmarshal(
                E2E.restoreYaml(cluster, ns, "r1", BUCKET, "team/b1"), Restore.class))
        .create();
    var rwait =
        cluster.controlPlane.kubectl(
            kubeconfig, "wait", "--for=condition=Complete", "rt/r1", "--timeout=90s");
    assertThat(rwait.exitCode()).as(rwait.output()).isZero();
    assertThat(E2E.restore(k, ns, "r1").getStatus().commitTs).isEqualTo(b.getStatus().commitTs);
    var rget = cluster.controlPlane.kubectl(kubeconfig, "get", "rt", "r1");
    assertThat(rget.output()).contains("Complete");

    var delete = cluster.controlPlane.kubectl(kubeconfig, "delete", "bk", "b1", "--timeout=90s");
    assertThat(delete.exitCode()).as(delete.output()).isZero();
    assertThat(E2E.backup(k, ns, "b1"))
        .as("kubectl delete waited until the finalizer was released")
        .isNull();
    assertThat(E2E.keys(s3, BUCKET, "team/b1/")).as("the backup's prefix is empty").isEmpty();
    for (String key : sentinels) {
      assertThat(E2E.keys(s3, BUCKET, key)).as("sentinel %s", key).containsExactly(key);
    }
    // the garbage collector removes the backup Job (owned by the Backup's UID); the clean Job is
    // the operator's
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(E2E.jobs(k, ns))
                    .noneMatch(j -> j.getMetadata().getName().equals("backup-b1"))
                    .noneMatch(j -> j.getMetadata().getName().equals("clean-b1")));
  }

  /**
   * The clean agent refuses (exit 2, nothing deleted): the Job controller fails the Job on its
   * first pod (the clean Job's pod failure policy) instead of retrying it, and the operator
   * releases the Backup with the data kept.
   */
  @Test
  void aRefusedCleanFailsAtOnceAndReleasesTheBackupWithItsDataKept() {
    // simulated: the test decides the clean agent's answer
    String ns = sim;
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();
    cluster.runtime.override(
        run -> run.namespace().equals(ns) && "clean-rf".equals(run.jobName()),
        run -> {
          runs.incrementAndGet();
          return new io.tidbbackup.controlplane.LocalKubelet.Outcome(
              2,
              io.tidbbackup.api.Serde.json(
                  io.tidbbackup.api.AgentProtocol.refusal("refused by the test")));
        });
    try {
      E2E.createBackup(
          k, E2E.backupYaml(cluster, ns, "rf", BUCKET, "team/rf", "cleanPolicy: Delete"));
      awaitBackup(k, ns, "rf", phase("Complete"));
      k.resources(Backup.class).inNamespace(ns).withName("rf").delete();
      E2E.awaitGone(k, Backup.class, ns, "rf", E2E.WAIT);
    } finally {
      cluster.runtime.clearOverrides();
    }
    assertThat(runs.get()).as("pods the refusing clean Job ran").isEqualTo(1);
    assertThat(E2E.keys(s3, BUCKET, "team/rf/")).as("the data is kept").isNotEmpty();
    assertThat(k.v1().events().inNamespace(ns).list().getItems())
        .anyMatch(
            e ->
                "CleanRefused".equals(e.getReason())
                    && e.getInvolvedObject().getName().equals("rf")
                    && e.getMessage().contains("the data is kept"));
  }

  @Test
  void kubectlWatchSeesTheBackupMoveThroughItsPhases() throws Exception {
    Process watch =
        new ProcessBuilder(
                cluster.controlPlane.kubectlBinary().toString(),
                "--kubeconfig=" + kubeconfig,
                "get",
                "bk",
                "--watch",
                "--output-watch-events",
                "--request-timeout=60s")
            .redirectErrorStream(true)
            .start();
    StringBuilder seen = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (var in = watch.inputReader()) {
                in.lines()
                    .forEach(
                        l -> {
                          synchronized (seen) {
                            seen.append(l).append('\n');
                          }
                        });
              } catch (java.io.IOException e) {
                // the process ended
              }
            });
    reader.start();
    try {
      Thread.sleep(1000);
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "w1", BUCKET, "team/w1", null));
      awaitBackup(k, ns, "w1", phase("Complete"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                synchronized (seen) {
                  return seen.toString().contains("Complete");
                }
              });
    } finally {
      watch.destroy();
      reader.join(5000);
    }
    assertThat(seen.toString()).contains("ADDED", "MODIFIED", "w1", "Complete");
  }
}
