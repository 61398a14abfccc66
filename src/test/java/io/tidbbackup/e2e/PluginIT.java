package io.tidbbackup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.Restore;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.recovery.Tso;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl tidb-backup}, run by the real kubectl as a plugin (target/kubectl-tidb_backup on
 * PATH, the jar beside it), against the real control plane with the operator running and the
 * backups' pods on the real node: backup-now twice, then status says the window the two snapshots
 * make, restore --dry-run prints the Restore that reads the newer one, a target past the window is
 * refused with the window named and applies nothing, restore applies its Restore, describe tells a
 * backup's story with the command line its Job runs, and logs shows its pod's output.
 */
class PluginIT {
  static final String BUCKET = "plugin";

  @Test
  void theRecoveryQuestionsAnsweredByThePlugin() throws Exception {
    LocalCluster cluster = LocalCluster.get();
    KubernetesClient k = cluster.admin;
    E2E.bucket(cluster.s3(), BUCKET);
    String ns = cluster.namespace("plugin");
    Path kubeconfig = cluster.kubeconfig(ns);
    try (LocalCluster.RunningOperator op = cluster.startOperator(Set.of(ns))) {
      k.resource(
              Serialization.unmarshal(
                  """
                  apiVersion: pingcap.com/v1alpha1
                  kind: BackupSchedule
                  metadata:
                    name: nightly
                    namespace: %s
                  spec:
                    schedule: "0 0 1 1 *"
                    backupTemplate:
                      br:
                        cluster: basic
                      s3:
                        provider: aws
                        secretName: s3-secret
                        endpoint: %s
                        forcePathStyle: true
                        bucket: %s
                        prefix: %s
                  """
                      .formatted(ns, cluster.s3Endpoint(), BUCKET, ns),
                  BackupSchedule.class))
          .create();

      for (int i = 1; i <= 2; i++) {
        var now = plugin(cluster, kubeconfig, "backup-now", "nightly", "-n", ns, "--wait", "60");
        assertThat(now.exit()).as(now.out()).isZero();
        assertThat(now.out()).contains("Created: Backup nightly-");
        int made = i;
        await()
            .atMost(E2E.WAIT)
            .until(
                () ->
                    children(k, ns).stream()
                            .filter(
                                b ->
                                    b.getStatus() != null && "Complete".equals(b.getStatus().phase))
                            .count()
                        == made);
      }
      List<Backup> snaps = children(k, ns);
      Backup older = snaps.get(0);
      Backup newer = snaps.get(1);
      long t2 = Long.parseLong(newer.getStatus().commitTs);

      var status = plugin(cluster, kubeconfig, "status", "-n", ns);
      assertThat(status.exit()).as(status.out()).isZero();
      assertThat(status.out())
          .contains("Cluster " + ns + "/basic")
          .contains("(snapshot " + older.getMetadata().getName() + ") to ")
          .contains("(snapshot " + newer.getMetadata().getName() + ")")
          .contains("last backups:")
          .contains(newer.getMetadata().getName() + " Complete at " + Tso.time(t2));

      var dry =
          plugin(
              cluster,
              kubeconfig,
              "restore",
              "--schedule",
              "nightly",
              "--to",
              Long.toString(t2),
              "--name",
              "dry",
              "--dry-run",
              "-n",
              ns);
      assertThat(dry.exit()).as(dry.out()).isZero();
      assertThat(dry.out())
          .contains("from snapshot " + newer.getMetadata().getName() + " alone")
          .contains("kind: Restore")
          .contains("backupSchedule: nightly");
      assertThat(k.resources(Restore.class).inNamespace(ns).withName("dry").get()).isNull();

      var late =
          plugin(
              cluster,
              kubeconfig,
              "restore",
              "--schedule",
              "nightly",
              "--to",
              Long.toString(t2 + (3_600_000L << 18)),
              "-n",
              ns);
      assertThat(late.exit()).as(late.out()).isEqualTo(1);
      assertThat(late.out()).contains("is outside the window of BackupSchedule nightly");
      assertThat(k.resources(Restore.class).inNamespace(ns).list().getItems()).isEmpty();

      var applied =
          plugin(
              cluster,
              kubeconfig,
              "restore",
              "--schedule",
              "nightly",
              "--to",
              Long.toString(t2),
              "--name",
              "back",
              "-n",
              ns);
      assertThat(applied.exit()).as(applied.out()).isZero();
      Restore made = k.resources(Restore.class).inNamespace(ns).withName("back").get();
      assertThat(made.getSpec().backupSource.backupSchedule).isEqualTo("nightly");
      assertThat(made.getSpec().pitrRestoredTs).isEqualTo(Long.toString(t2));

      String name = older.getMetadata().getName();
      var describe = plugin(cluster, kubeconfig, "describe", "backup/" + name, "-n", ns);
      assertThat(describe.exit()).as(describe.out()).isZero();
      assertThat(describe.out())
          .contains("Backup " + ns + "/" + name)
          .contains("phase: Complete")
          .contains("runs (")
          .contains("Events:")
          .doesNotContain("AWS_SECRET_ACCESS_KEY=");

      var logs = plugin(cluster, kubeconfig, "logs", "backup/" + name, "-n", ns);
      assertThat(logs.exit()).as(logs.out()).isZero();
      assertThat(logs.out()).contains("==> Job ").contains(", pod ");
    }
  }

  static List<Backup> children(KubernetesClient k, String ns) {
    return k
        .resources(Backup.class)
        .inNamespace(ns)
        .withLabel(ApiConstants.LABEL_BACKUP_SCHEDULE, "nightly")
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(b -> b.getMetadata().getCreationTimestamp()))
        .toList();
  }

  record Run(int exit, String out) {}

  /** kubectl tidb-backup …, found by the real kubectl on PATH beside the jar. */
  static Run plugin(LocalCluster cluster, Path kubeconfig, String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(cluster.controlPlane.kubectlBinary().toString(), "tidb-backup"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Path target = Path.of("target").toAbsolutePath();
    pb.environment().put("PATH", target + ":" + System.getenv("PATH"));
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("kubectl tidb-backup " + String.join(" ", args) + " hung");
    }
    return new Run(p.exitValue(), out);
  }
}
