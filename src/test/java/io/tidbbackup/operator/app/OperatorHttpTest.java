package io.tidbbackup.operator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingCluster;
import io.tidbbackup.operator.settings.OperatorSettings;
import io.tidbbackup.storage.CleanMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * /healthz, /readyz and /metrics (ours and JOSDK's) of a running operator (JOSDK on the CRUD mock
 * API server).
 */
@EnableKubernetesMockClient(crud = true)
class OperatorHttpTest {
  KubernetesClient client;

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthFollowsTheOperatorAndMetricsCountOperationsAndCleans() throws Exception {
    new TestingCluster(client).installCrds();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Operator operator =
        OperatorFactory.create(
            client,
            OperatorSettings.defaults().withServerSideApply(false),
            Clock.systemUTC(),
            registry);
    try (OperatorHttp http = OperatorHttp.start(0, registry, operator::getRuntimeInfo)) {
      assertThat(get(http.port(), "/readyz").statusCode()).isEqualTo(503);
      assertThat(get(http.port(), "/healthz").statusCode()).isEqualTo(503);
      operator.start();
      assertThat(get(http.port(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(http.port(), "/healthz").body()).isEqualTo("ok\n");

      client
          .resource(
              Serde.YAML.readValue(
                  """
          apiVersion: pingcap.com/v1alpha1
          kind: Backup
          metadata: {name: m1, namespace: tidb}
          spec:
            br: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: p}
          """,
                  Backup.class))
          .create();
      TestingCluster cluster = new TestingCluster(client);
      await().atMost(Duration.ofSeconds(20)).until(() -> cluster.job("tidb", "backup-m1") != null);
      AgentResult ok = new AgentResult();
      ok.success = true;
      ok.commitTs = "1";
      cluster.jobFinished(
          "tidb", "backup-m1", "2024-01-01T00:00:00Z", "2024-01-01T00:01:30Z", ok, 0);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  get(http.port(), "/metrics")
                      .body()
                      .contains("tidb_backup_operations_succeeded_total{kind=\"backup\"} 1.0"));
      assertThat(get(http.port(), "/metrics").body())
          .contains("tidb_backup_operations_started_total{kind=\"backup\"} 1.0")
          .contains(
              "tidb_backup_operation_duration_seconds_sum{kind=\"backup\",outcome=\"succeeded\"} 90.0")
          .contains("operator_sdk_reconciliations_started_total")
          // buckets suited to backups: 90 s falls in le=300
          .contains(
              "tidb_backup_operation_duration_seconds_bucket{kind=\"backup\",outcome=\"succeeded\",le=\"300.0\"} 1")
          // every series from the start, at 0, with a HELP that fits every kind
          .contains("tidb_backup_operations_failed_total{kind=\"restore\"} 0.0")
          .contains("tidb_backup_operations_invalid_total{kind=\"compactbackup\"} 0.0")
          .contains(
              "# HELP tidb_backup_operations_started_total Backups, restores and compactions whose first Job was created")
          // the object gauges: when did cluster basic last get a backup (2024-01-01T00:01:30Z)
          .contains(
              "tidb_backup_last_success_timestamp_seconds{cluster=\"basic\",namespace=\"tidb\",schedule=\"\"} 1.70406729E9")
          .contains("tidb_backup_in_flight{kind=\"backup\"} 0.0")
          .contains("tidb_backup_retrying{kind=\"backup\"} 0.0");

      new CleanMetrics(registry)
          .record(
              "s3",
              new CleanReport(
                  2500, 2500, 0, new CleanReport.Requests(4, 3), 1.5, 1, true, null, null, null));
      HttpResponse<String> metrics = get(http.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("tidb_backup_clean_objects_deleted_total{provider=\"s3\"} 2500.0")
          .contains("tidb_backup_clean_delete_requests_total{provider=\"s3\"} 3.0")
          .contains("tidb_backup_clean_failures_total{provider=\"s3\"} 0.0")
          .contains("tidb_backup_clean_duration_seconds_count{provider=\"s3\"} 1")
          .contains("tidb_backup_clean_refused_total{reason=\"SharedPrefix\"} 0.0");
      new CleanMetrics(registry).refused(io.tidbbackup.storage.PrefixRefusal.SharedPrefix);
      assertThat(get(http.port(), "/metrics").body())
          .contains("tidb_backup_clean_refused_total{reason=\"SharedPrefix\"} 1.0");
    } finally {
      operator.stop();
    }
  }
}
