package io.tidbbackup.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.recovery.Tso;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The window's gauges as Prometheus scrapes them: a cluster's earliest and latest restorable points
 * from its Backups' statuses (a log backup carrying a snapshot to its checkpoint), a schedule's
 * window from its status and what its maxReservedTime promises once it is that old.
 */
class WindowMetricsTest {
  static final Instant NOW = Instant.parse("2024-05-04T00:00:00Z");
  static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

  static Backup backup(String uid, String name, String mode, String status) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: %s, namespace: tidb, uid: %s}
        spec:
          backupMode: %s
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: %s}
        status: %s
        """
            .formatted(name, uid, mode, name, status),
        Backup.class);
  }

  @Test
  void aClustersEarliestAndLatestPointsAndASchedulesWindowAgainstItsPromise() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ObjectMetrics m = new ObjectMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
    long s = Tso.of(T0);
    long ckpt = Tso.of(T0.plusSeconds(7200));
    m.observed(backup("u1", "s", "snapshot", "{phase: Complete, commitTs: '" + s + "'}"));
    m.observed(
        backup(
            "u2",
            "log",
            "log",
            "{phase: Running, commitTs: '" + (s - 1000) + "', logCheckpointTs: '" + ckpt + "'}"));
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "tidb_backup_restorable_earliest_timestamp_seconds{cluster=\"basic\",namespace=\"tidb\"} "
                + (double) T0.getEpochSecond())
        .contains(
            "tidb_backup_restorable_latest_timestamp_seconds{cluster=\"basic\",namespace=\"tidb\"} "
                + (double) T0.plusSeconds(7200).getEpochSecond());

    BackupSchedule bs =
        Serde.YAML.readValue(
            """
            apiVersion: pingcap.com/v1alpha1
            kind: BackupSchedule
            metadata: {name: nightly, namespace: tidb, uid: u3, creationTimestamp: '2024-04-01T00:00:00Z'}
            spec:
              schedule: "0 0 * * *"
              maxReservedTime: 72h
              backupTemplate: {br: {cluster: basic}}
              logBackupTemplate: {br: {cluster: basic}}
            status:
              recoveryWindow: {earliestTs: '%d', latestTs: '%d'}
            """
                .formatted(s, ckpt),
            BackupSchedule.class);
    m.observed(bs);
    scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "tidb_backup_schedule_restorable_window_seconds{namespace=\"tidb\",schedule=\"nightly\"} 7200.0")
        .contains(
            "tidb_backup_schedule_promised_window_seconds{namespace=\"tidb\",schedule=\"nightly\"} 259200.0");

    // a schedule younger than its retention promises nothing yet; a forgotten cluster has no point
    bs.getMetadata().setCreationTimestamp("2024-05-03T00:00:00Z");
    m.observed(bs);
    m.forget("u1");
    scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "tidb_backup_schedule_promised_window_seconds{namespace=\"tidb\",schedule=\"nightly\"} NaN")
        .contains(
            "tidb_backup_restorable_latest_timestamp_seconds{cluster=\"basic\",namespace=\"tidb\"} NaN");
  }
}
