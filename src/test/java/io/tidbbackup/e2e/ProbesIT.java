package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.app.OperatorHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The probes through an API-server outage, on the real control plane: the API server is stopped and
 * started again. Readiness follows the informers (503 while they cannot watch, 200 once they watch
 * again); liveness stays 200 throughout, since a restart would only lose the caches the informers
 * rebuild by themselves; and the operator works afterwards.
 */
class ProbesIT {
  static final String BUCKET = "probes";

  static int status(int port, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Waits until /readyz answers {@code code}, noting what /healthz answered meanwhile. */
  static void awaitReadiness(int port, int code, List<Integer> liveness) {
    await()
        .atMost(E2E.WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              liveness.add(status(port, "/healthz"));
              return status(port, "/readyz") == code;
            });
  }

  @Test
  void readinessFollowsTheApiServerAndLivenessDoesNot() throws Exception {
    LocalCluster cluster = LocalCluster.get();
    KubernetesClient k = cluster.admin;
    String ns = cluster.namespace("probes");
    E2E.bucket(cluster.s3(), BUCKET);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (LocalCluster.RunningOperator op = cluster.startOperator(Set.of(ns), registry);
        OperatorHttp http = OperatorHttp.start(0, registry, op.operator()::getRuntimeInfo)) {
      int port = http.port();
      await().atMost(E2E.WAIT).until(() -> status(port, "/readyz") == 200);
      assertThat(status(port, "/healthz")).isEqualTo(200);

      List<Integer> liveness = new ArrayList<>();
      cluster.controlPlane.stopApiServer();
      try {
        awaitReadiness(port, 503, liveness);
      } finally {
        cluster.controlPlane.startApiServer();
      }
      awaitReadiness(port, 200, liveness);
      assertThat(liveness).isNotEmpty().containsOnly(200);

      // and it still works
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "after", BUCKET, "after", null));
      awaitBackup(k, ns, "after", E2E.phase("Complete"));
    }
  }
}
