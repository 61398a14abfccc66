package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Serde;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.deploy.HelmChart;
import io.tidbbackup.monitoring.TestingPrometheus;
import io.tidbbackup.operator.app.OperatorHttp;
import io.tidbbackup.operator.cluster.LogTaskKeys;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's Grafana dashboard and alert rules against a real Prometheus (Debian's) scraping the
 * operator while it works on the real control plane: a backup completes, a log backup's checkpoint
 * is read from etcd, a deleted backup is cleaned. Every query of the dashboard then returns data,
 * and Prometheus evaluates every alert rule without error.
 */
class DashboardIT {
  static final String BUCKET = "dashboard";
  @TempDir Path dir;

  @Test
  void everyDashboardQueryReturnsDataFromTheOperatorsMetrics() throws Exception {
    LocalCluster cluster = LocalCluster.get();
    KubernetesClient k = cluster.admin;
    String ns = cluster.namespace("dash");
    E2E.bucket(cluster.s3(), BUCKET);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorSettings settings = E2E.settings(ns, cluster.controlPlane.etcdEndpoint(), null);
    String[] rules = io.tidbbackup.monitoring.AlertRulesTestAccess.renderRules(dir);
    try (Client etcd =
            Client.builder().endpoints("http://" + cluster.controlPlane.etcdEndpoint()).build();
        LocalCluster.RunningOperator op = cluster.startOperator(settings, registry);
        OperatorHttp http = OperatorHttp.start(0, registry, op.operator()::getRuntimeInfo);
        TestingPrometheus prometheus =
            TestingPrometheus.start("127.0.0.1:" + http.port(), Path.of(rules[0]))) {
      // a backup that completes, one that is deleted and cleaned, a log backup with a checkpoint
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "full", BUCKET, "full", null));
      E2E.createBackup(
          k, E2E.backupYaml(cluster, ns, "gone", BUCKET, "gone", "cleanPolicy: Delete"));
      E2E.createBackup(
          k,
          E2E.backupYaml(
              cluster, ns, "dash-lb", BUCKET, "log", "backupMode: log\nlogSubcommand: log-start"));
      put(etcd, LogTaskKeys.info("dash-lb"), "task".getBytes(StandardCharsets.UTF_8));
      long ts = (System.currentTimeMillis() - 120_000) << 18;
      put(
          etcd,
          LogTaskKeys.checkpoints("dash-lb") + "central_global",
          ByteBuffer.allocate(8).putLong(ts).array());
      awaitBackup(k, ns, "full", E2E.phase("Complete"));
      awaitBackup(k, ns, "gone", E2E.phase("Complete"));
      awaitBackup(
          k, ns, "dash-lb", b -> b.getStatus() != null && b.getStatus().logCheckpointTs != null);
      k.resources(Backup.class).inNamespace(ns).withName("gone").delete();
      E2E.awaitGone(k, Backup.class, ns, "gone", E2E.WAIT);

      JsonNode dashboard =
          Serde.JSON.readTree(Files.readString(HelmChart.CHART.resolve("files/dashboard.json")));
      List<String> exprs = new ArrayList<>();
      dashboard
          .path("panels")
          .forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
      assertThat(exprs).hasSizeGreaterThanOrEqualTo(12);
      for (String expr : exprs) {
        await()
            .atMost(E2E.WAIT)
            .pollInterval(java.time.Duration.ofSeconds(1))
            .alias("dashboard query " + expr)
            .until(() -> prometheus.query(expr).size() > 0);
      }
      // the lag is what the checkpoint says: about two minutes
      JsonNode lag = prometheus.query("tidb_backup_log_checkpoint_lag_seconds{name=\"dash-lb\"}");
      assertThat(lag.get(0).path("value").get(1).asDouble()).isBetween(100.0, 400.0);

      // Prometheus loaded the chart's rules and evaluates each without error
      await()
          .atMost(E2E.WAIT)
          .until(
              () -> {
                List<String> health = new ArrayList<>();
                prometheus
                    .rules()
                    .forEach(
                        g -> g.path("rules").forEach(r -> health.add(r.path("health").asText())));
                return health.size() == 10 && health.stream().allMatch("ok"::equals);
              });
    } finally {
      try (Client etcd =
          Client.builder().endpoints("http://" + cluster.controlPlane.etcdEndpoint()).build()) {
        etcd.getKVClient()
            .delete(ByteSequence.from(LogTaskKeys.info("dash-lb"), StandardCharsets.UTF_8))
            .get(10, TimeUnit.SECONDS);
      }
    }
  }

  static void put(Client etcd, String key, byte[] value) throws Exception {
    etcd.getKVClient()
        .put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value))
        .get(10, TimeUnit.SECONDS);
  }
}
