package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.Restore;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.cluster.LogTaskKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recovering on the real control plane, the Jobs' pods running the stand-in br as containers (it
 * writes a real backupmeta to S3): a Restore that names a cluster's backups with a target past the
 * log backup's checkpoint is Invalid, the window named, and no Job is ever made for it; one whose
 * target lies between two snapshots is restored from the older one and the log backup, after the
 * operator listed the snapshot's backupmeta on S3 itself. A BackupSchedule's backup-now annotation
 * makes one Backup, and a second request while it runs is refused with a condition.
 */
class RecoveryIT {
  static final String BUCKET = "recovery";
  static LocalCluster cluster;
  static KubernetesClient k;
  static Client etcd;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    cluster.grantSecretReads(); // the operator lists the backups' storage with their own keys
    etcd = Client.builder().endpoints("http://" + cluster.controlPlane.etcdEndpoint()).build();
    E2E.bucket(cluster.s3(), BUCKET);
  }

  @AfterAll
  static void stop() throws Exception {
    if (etcd != null) {
      etcd.getKVClient()
          .delete(ByteSequence.from(LogTaskKeys.info("rc-lb"), StandardCharsets.UTF_8))
          .get(10, TimeUnit.SECONDS);
      etcd.close();
    }
  }

  static void put(String key, byte[] value) throws Exception {
    etcd.getKVClient()
        .put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value))
        .get(10, TimeUnit.SECONDS);
  }

  static String restoreYaml(String ns, String name, String target) {
    return """
        apiVersion: pingcap.com/v1alpha1
        kind: Restore
        metadata:
          name: %s
          namespace: %s
        spec:
          br:
            cluster: basic
          restoreMode: pitr
          pitrRestoredTs: "%s"
          backupSource:
            cluster: basic
            clusterNamespace: %s
        """
        .formatted(name, ns, target, ns);
  }

  static BackupCondition condition(Restore r, String type) {
    return r.getStatus() == null || r.getStatus().conditions == null
        ? null
        : r.getStatus().conditions.stream()
            .filter(c -> type.equals(c.type))
            .findFirst()
            .orElse(null);
  }

  @Test
  void aTargetOutsideTheWindowIsRefusedBeforeAnyJobAndOneInsideReadsTheRightSnapshot()
      throws Exception {
    String ns = cluster.namespace("recover");
    try (LocalCluster.RunningOperator op =
        cluster.startOperator(
            E2E.settings(ns, cluster.controlPlane.etcdEndpoint(), null),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      // the log backup starts first; two snapshots are taken while it runs
      E2E.createBackup(
          k,
          E2E.backupYaml(
              cluster,
              ns,
              "rc-lb",
              BUCKET,
              ns + "/log",
              "backupMode: log\nlogSubcommand: log-start"));
      Backup log =
          awaitBackup(k, ns, "rc-lb", b -> b.getStatus() != null && b.getStatus().commitTs != null);
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "s1", BUCKET, ns + "/s1", null));
      Backup s1 = awaitBackup(k, ns, "s1", E2E.phase("Complete"));
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "s2", BUCKET, ns + "/s2", null));
      Backup s2 = awaitBackup(k, ns, "s2", E2E.phase("Complete"));
      long t1 = Long.parseLong(s1.getStatus().commitTs);
      long t2 = Long.parseLong(s2.getStatus().commitTs);
      assertThat(Long.parseLong(log.getStatus().commitTs)).isLessThan(t1);
      assertThat(t1).isLessThan(t2);
      // PD says the log's checkpoint is past both snapshots
      long checkpoint = t2 + (5_000L << 18);
      put(LogTaskKeys.info("rc-lb"), "task-info".getBytes(StandardCharsets.UTF_8));
      put(
          LogTaskKeys.checkpoints("rc-lb") + "central_global",
          ByteBuffer.allocate(8).putLong(checkpoint).array());
      awaitBackup(
          k, ns, "rc-lb", b -> String.valueOf(checkpoint).equals(b.getStatus().logCheckpointTs));

      // an hour past the checkpoint: Invalid, the window named, no Job
      E2E.createRestore(
          k, restoreYaml(ns, "too-late", Long.toString(checkpoint + (3_600_000L << 18))));
      await().atMost(E2E.WAIT).until(() -> "Invalid".equals(phase(E2E.restore(k, ns, "too-late"))));
      BackupCondition refused = condition(E2E.restore(k, ns, "too-late"), "Invalid");
      assertThat(refused.reason).isEqualTo("OutsideRecoveryWindow");
      assertThat(refused.message)
          .contains(
              "is outside what can be restored",
              "the Backups of cluster basic",
              "log backup rc-lb");

      // 1 ms after s1: s1 and the log backup, s1's backupmeta found on S3 first
      String target = Long.toString(t1 + (1L << 18));
      E2E.createRestore(k, restoreYaml(ns, "in-window", target));
      await()
          .atMost(E2E.WAIT)
          .until(() -> "Complete".equals(phase(E2E.restore(k, ns, "in-window"))));
      Restore done = E2E.restore(k, ns, "in-window");
      assertThat(done.getStatus().backupSource.snapshotBackup).isEqualTo("s1");
      assertThat(done.getStatus().backupSource.logBackup).isEqualTo("rc-lb");
      assertThat(done.getStatus().backupSource.restoredTs).isEqualTo(target);
      assertThat(done.getStatus().backupSource.preflight)
          .contains("checked on the storage", "snapshot s1's backupmeta", "found");
      assertThat(k.v1().events().inNamespace(ns).list().getItems())
          .anyMatch(
              e -> "BackupSourceChosen".equals(e.getReason()) && e.getMessage().contains("s1"));
      // the refused one never had a Job
      assertThat(E2E.jobs(k, ns))
          .noneMatch(j -> j.getMetadata().getName().equals("restore-too-late"));
      assertThat(E2E.jobs(k, ns))
          .anyMatch(j -> j.getMetadata().getName().equals("restore-in-window"));
    }
  }

  static String phase(Restore r) {
    return r == null || r.getStatus() == null ? null : r.getStatus().phase;
  }

  @Test
  void backupNowMakesOneBackupAndASecondRequestWhileItRunsIsRefused() throws Exception {
    String ns = cluster.namespace("now");
    try (LocalCluster.RunningOperator op = cluster.startOperator(java.util.Set.of(ns))) {
      // a yearly schedule: nothing is due; "slow" keeps the stand-in br running
      k.resource(
              Serialization.unmarshal(
                  """
                  apiVersion: pingcap.com/v1alpha1
                  kind: BackupSchedule
                  metadata:
                    name: yearly
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
                        prefix: %s/slow
                  """
                      .formatted(ns, cluster.s3Endpoint(), BUCKET, ns),
                  BackupSchedule.class))
          .create();
      ask(ns, "req-1");
      await()
          .atMost(E2E.WAIT)
          .until(
              () ->
                  children(ns).stream()
                      .anyMatch(
                          b ->
                              "Running"
                                  .equals(b.getStatus() == null ? null : b.getStatus().phase)));
      assertThat(children(ns))
          .singleElement()
          .satisfies(
              b ->
                  assertThat(b.getMetadata().getAnnotations())
                      .containsEntry(ApiConstants.BACKUP_NOW_REQUEST_ANNOTATION, "req-1"));
      BackupSchedule served = schedule(ns);
      assertThat(served.getStatus().backupNow.request).isEqualTo("req-1");
      assertThat(served.getStatus().backupNow.outcome).isEqualTo("Created");

      ask(ns, "req-2");
      await()
          .atMost(E2E.WAIT)
          .until(
              () ->
                  schedule(ns).getStatus().backupNow != null
                      && "req-2".equals(schedule(ns).getStatus().backupNow.request));
      BackupSchedule refused = schedule(ns);
      assertThat(refused.getStatus().backupNow.outcome).isEqualTo("Refused");
      assertThat(refused.getStatus().conditions)
          .anyMatch(
              c ->
                  "BackupNow".equals(c.type)
                      && "False".equals(c.status)
                      && "BackupNowRefused".equals(c.reason));
      assertThat(children(ns)).as("one Backup for two requests, the second refused").hasSize(1);
      assertThat(k.v1().events().inNamespace(ns).list().getItems())
          .anyMatch(e -> "BackupNowRefused".equals(e.getReason()));
    }
  }

  static void ask(String ns, String request) {
    k.resources(BackupSchedule.class)
        .inNamespace(ns)
        .withName("yearly")
        .edit(
            s -> {
              s.getMetadata().setAnnotations(Map.of(ApiConstants.BACKUP_NOW_ANNOTATION, request));
              return s;
            });
  }

  static BackupSchedule schedule(String ns) {
    return k.resources(BackupSchedule.class).inNamespace(ns).withName("yearly").get();
  }

  static List<Backup> children(String ns) {
    return k.resources(Backup.class)
        .inNamespace(ns)
        .withLabel(ApiConstants.LABEL_BACKUP_SCHEDULE, "yearly")
        .list()
        .getItems();
  }
}
