package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.cluster.LogTaskKeys;
import io.tidbbackup.operator.cluster.LogTaskState;
import io.tidbbackup.operator.cluster.PdLogTasks;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A log backup's checkpoint, read from a real etcd holding BR's keys (the control plane's own etcd
 * stands in for PD's embedded one: BR's keys live under {@code /tidb/}, the API server's under
 * {@code /registry/}): the reader against the keys' real layout, then a log backup on the real API
 * server whose status follows the checkpoint and says when the task is paused by an error or gone.
 */
class LogCheckpointIT {
  static final String BUCKET = "checkpoint";
  static final long TS = 452_000_000_000_000_000L;
  static LocalCluster cluster;
  static KubernetesClient k;
  static Client etcd;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    etcd = Client.builder().endpoints("http://" + cluster.controlPlane.etcdEndpoint()).build();
    E2E.bucket(cluster.s3(), BUCKET);
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  static void put(String key, byte[] value) throws Exception {
    etcd.getKVClient()
        .put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value))
        .get(10, TimeUnit.SECONDS);
  }

  static void delete(String key) throws Exception {
    etcd.getKVClient()
        .delete(ByteSequence.from(key, StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS);
  }

  static byte[] be(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  @Test
  void theReaderReadsBrKeysFromARealEtcdAndNeverAnotherTasks() throws Exception {
    put(LogTaskKeys.info("reader"), "task-info".getBytes(StandardCharsets.UTF_8));
    put(LogTaskKeys.checkpoints("reader") + "central_global", be(TS));
    // a task whose name starts with the same letters: TiDB Operator's prefix read would take its
    // checkpoint first ('-' sorts before '/')
    put(LogTaskKeys.info("reader-2"), "task-info".getBytes(StandardCharsets.UTF_8));
    put(LogTaskKeys.checkpoints("reader-2") + "central_global", be(TS - 1000));
    try (PdLogTasks reader = new PdLogTasks(null)) {
      LogTaskState s = reader.read(cluster.controlPlane.etcdEndpoint(), "reader");
      assertThat(s.taskExists()).isTrue();
      assertThat(s.checkpointTs()).isEqualTo(TS);
      assertThat(s.paused()).isFalse();
      assertThat(s.lastError()).isNull();
      assertThat(reader.read(cluster.controlPlane.etcdEndpoint(), "none").taskExists()).isFalse();
    }
    // the override sends every PD address to the one endpoint (an operator outside the cluster)
    try (PdLogTasks reader = new PdLogTasks(cluster.controlPlane.etcdEndpoint())) {
      assertThat(reader.read("basic-pd.tidb:2379", "reader").checkpointTs()).isEqualTo(TS);
    }
  }

  @Test
  void aRunningLogBackupFollowsItsCheckpointAndSaysWhenTheTaskIsUnwell() throws Exception {
    String ns = cluster.namespace("ckpt");
    OperatorSettings settings = E2E.settings(ns, cluster.controlPlane.etcdEndpoint(), null);
    try (LocalCluster.RunningOperator op =
        cluster.startOperator(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      // the task is not in PD until BR starts it: BR's keys are written when log-start has run
      E2E.createBackup(
          k,
          E2E.backupYaml(
              cluster, ns, "lb", BUCKET, ns + "/log", "backupMode: log\nlogSubcommand: log-start"));
      Backup running = awaitBackup(k, ns, "lb", E2E.phase("Running"));
      assertThat(running.getStatus().logCheckpointTs).isNull();
      // no task in PD: said, as the checkpoint is not advancing
      awaitCondition(ns, "False", "LogTaskNotFound");

      put(LogTaskKeys.info("lb"), "task-info".getBytes(StandardCharsets.UTF_8));
      put(LogTaskKeys.checkpoints("lb") + "central_global", be(TS));
      Backup following =
          awaitBackup(k, ns, "lb", b -> String.valueOf(TS).equals(b.getStatus().logCheckpointTs));
      assertThat(following.getStatus().timeSynced).isNotNull();
      assertThat(following.getStatus().phase).isEqualTo("Running");
      awaitCondition(ns, "True", "CheckpointRead");

      put(LogTaskKeys.checkpoints("lb") + "central_global", be(TS + 4096));
      awaitBackup(
          k, ns, "lb", b -> String.valueOf(TS + 4096).equals(b.getStatus().logCheckpointTs));

      String pause =
          "{\"severity\":\"ERROR\",\"payload_type\":\"text/plain\",\"payload\":\""
              + Base64.getEncoder()
                  .encodeToString("failed to write log files".getBytes(StandardCharsets.UTF_8))
              + "\"}";
      put(LogTaskKeys.pause("lb"), pause.getBytes(StandardCharsets.UTF_8));
      BackupCondition paused = awaitCondition(ns, "False", "LogTaskPausedByError");
      assertThat(paused.message).contains("failed to write log files");
      // a marker: the phase stays the task's
      assertThat(E2E.backup(k, ns, "lb").getStatus().phase).isEqualTo("Running");
      await()
          .atMost(E2E.WAIT)
          .until(
              () ->
                  k.v1().events().inNamespace(ns).list().getItems().stream()
                      .map(Event::getReason)
                      .toList()
                      .contains("LogTaskPausedByError"));

      delete(LogTaskKeys.pause("lb"));
      awaitCondition(ns, "True", "CheckpointRead");
    } finally {
      delete(LogTaskKeys.info("lb"));
      delete(LogTaskKeys.checkpoints("lb") + "central_global");
    }
  }

  static BackupCondition awaitCondition(String ns, String status, String reason) {
    Backup b =
        awaitBackup(
            k,
            ns,
            "lb",
            x -> {
              BackupCondition c = condition(x);
              return c != null && status.equals(c.status) && reason.equals(c.reason);
            });
    return condition(b);
  }

  static BackupCondition condition(Backup b) {
    return b.getStatus() == null || b.getStatus().conditions == null
        ? null
        : b.getStatus().conditions.stream()
            .filter(c -> "LogCheckpoint".equals(c.type))
            .findFirst()
            .orElse(null);
  }
}
