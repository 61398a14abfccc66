package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.Backup;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.settings.OperatorSettings;
import org.junit.jupiter.api.Test;

/**
 * A move staged object by object (docs/migration.md), on the real API server: with {@code
 * --selector}, the operator serves only the labelled objects and leaves the rest untouched: no
 * status, no finalizer, no Job. (A schedule's children inherit its labels: SchedulePlannerTest.)
 */
class SelectorIT {
  static final String BUCKET = "selector";
  static final String LABEL = "backup-controller: tidb-backup-operator";

  @Test
  void onlyLabelledObjectsAreServed() throws Exception {
    LocalCluster cluster = LocalCluster.get();
    KubernetesClient k = cluster.admin;
    String ns = cluster.namespace("selector");
    E2E.bucket(cluster.s3(), BUCKET);
    OperatorSettings settings = E2E.settings(ns, null, "backup-controller=tidb-backup-operator");
    try (LocalCluster.RunningOperator op =
        cluster.startOperator(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      // not moved yet: created first, so it was seen before the labelled one was served
      E2E.createBackup(
          k, E2E.backupYaml(cluster, ns, "theirs", BUCKET, "theirs", "cleanPolicy: Delete"));
      String ours = E2E.backupYaml(cluster, ns, "ours", BUCKET, "ours", "cleanPolicy: Delete");
      E2E.createBackup(
          k,
          ours.replace("  namespace: " + ns, "  namespace: " + ns + "\n  labels: {" + LABEL + "}"));
      awaitBackup(k, ns, "ours", E2E.phase("Complete"));

      Backup theirs = E2E.backup(k, ns, "theirs");
      assertThat(theirs.getStatus()).as("status of the unlabelled Backup").isNull();
      assertThat(theirs.getMetadata().getFinalizers()).isNullOrEmpty();
      assertThat(E2E.jobs(k, ns))
          .extracting(j -> j.getMetadata().getName())
          .doesNotContain("backup-theirs");
    }
  }
}
