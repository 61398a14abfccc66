package io.tidbbackup.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The object gauges, computed at scrape time from the last status of each object. */
class ObjectMetricsTest {
  static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

  static Backup backup(String name, String uid, String yaml) throws Exception {
    Backup b =
        Serde.YAML.readValue(
            """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: %s, namespace: tidb, uid: %s, labels: {tidb.pingcap.com/backup-schedule: nightly}}
        %s"""
                .formatted(name, uid, yaml),
            Backup.class);
    return b;
  }

  static String tso(Instant t) {
    return BigInteger.valueOf(t.toEpochMilli()).shiftLeft(18).toString();
  }

  @Test
  void lastSuccessSizeLagInFlightAndRetryingFollowWhatWasLastSeen() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ObjectMetrics m = new ObjectMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
    String spec = "spec: {br: {cluster: basic}, s3: {provider: aws, bucket: b}}\n";
    m.observed(
        backup(
            "nightly-1",
            "u1",
            spec
                + "status: {phase: Complete, timeCompleted: '2024-06-01T02:10:00Z', backupSize: 100}"));
    m.observed(
        backup(
            "nightly-2",
            "u2",
            spec
                + "status: {phase: Complete, timeCompleted: '2024-06-01T03:10:00Z', backupSize: 300}"));
    m.observed(backup("nightly-3", "u3", spec + "status: {phase: Running}"));
    m.observed(backup("nightly-4", "u4", spec + "status: {phase: RetryFailed}"));
    m.observed(
        backup(
            "log-nightly",
            "u5",
            "spec: {backupMode: log, br: {cluster: basic}, s3: {provider: aws, bucket: b}}\n"
                + "status: {phase: Running, logCheckpointTs: '"
                + tso(NOW.minusSeconds(90))
                + "'}"));
    Restore r =
        Serde.YAML.readValue(
            "apiVersion: pingcap.com/v1alpha1\nkind: Restore\nmetadata: {name: r, namespace: tidb, uid: u6}\n"
                + "status: {phase: Running}",
            Restore.class);
    m.observed(r);

    String text = registry.scrape();
    String key = "{cluster=\"basic\",namespace=\"tidb\",schedule=\"nightly\"}";
    assertThat(text)
        .contains("tidb_backup_last_success_timestamp_seconds" + key + " 1.7172114E9")
        .contains("tidb_backup_last_success_size_bytes" + key + " 300.0")
        .contains(
            "tidb_backup_log_checkpoint_lag_seconds{cluster=\"basic\",name=\"log-nightly\",namespace=\"tidb\"} 90.0")
        // the log backup's task is not a Job in flight
        .contains("tidb_backup_in_flight{kind=\"backup\"} 1.0")
        .contains("tidb_backup_in_flight{kind=\"restore\"} 1.0")
        .contains("tidb_backup_retrying{kind=\"backup\"} 1.0");

    // the newest success deleted: the gauge falls back to the one before; the restore is gone
    m.forget("u2");
    m.forget("u6");
    assertThat(registry.scrape())
        .contains("tidb_backup_last_success_size_bytes" + key + " 100.0")
        .contains("tidb_backup_in_flight{kind=\"restore\"} 0.0");
  }
}
