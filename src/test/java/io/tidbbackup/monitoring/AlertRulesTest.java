package io.tidbbackup.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidbbackup.api.Serde;
import io.tidbbackup.deploy.HelmChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules, as the chart renders them into its PrometheusRule, checked and unit
 * tested with promtool (Debian's prometheus package): each alert fires on the series it is about,
 * with the labels an Alertmanager routes on, and stays quiet when things are well.
 */
class AlertRulesTest {
  @TempDir Path dir;

  /** The rendered PrometheusRule's groups as a rules file, and the metrics job it names. */
  static String[] renderRules(Path dir) throws Exception {
    List<JsonNode> docs =
        HelmChart.render(
            Map.of(
                "metrics.prometheusRule.enabled", true, "metrics.grafanaDashboard.enabled", true));
    // the dashboard's ConfigMap holds the dashboard file as it is, for Grafana's sidecar
    JsonNode dashboards =
        HelmChart.ofKind(docs, "ConfigMap").stream()
            .filter(
                c ->
                    "1"
                        .equals(
                            c.path("metadata").path("labels").path("grafana_dashboard").asText()))
            .findFirst()
            .orElseThrow();
    if (!Serde.JSON
        .readTree(dashboards.path("data").path("tidb-backup-operator.json").asText())
        .equals(
            Serde.JSON.readTree(
                Files.readString(HelmChart.CHART.resolve("files/dashboard.json"))))) {
      throw new AssertionError("the dashboard ConfigMap does not hold files/dashboard.json");
    }
    JsonNode rule = HelmChart.ofKind(docs, "PrometheusRule").get(0);
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, Serde.YAML.writeValueAsString(rule.path("spec")));
    String job = HelmChart.ofKind(docs, "Service").get(0).path("metadata").path("name").asText();
    return new String[] {rules.toString(), job};
  }

  String promtool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(TestingPrometheus.binary("promtool").toString());
    cmd.addAll(List.of(args));
    return TestingPrometheus.run(cmd, dir, 120);
  }

  @Test
  void everyAlertFiresOnItsCauseAndNotOtherwise() throws Exception {
    String[] r = renderRules(dir);
    String job = r[1];
    String check = promtool("check", "rules", r[0]);
    assertThat(check).contains("SUCCESS: 10 rules found");

    Files.writeString(
        dir.resolve("tests.yaml"),
        """
        rule_files: [rules.yaml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - {series: 'up{job="%1$s"}', values: '0x30'}
              - {series: 'tidb_backup_operations_failed_total{kind="backup"}', values: '0 0 1x30'}
              - {series: 'tidb_backup_operations_failed_total{kind="restore"}', values: '0x30'}
              - {series: 'tidb_backup_operations_failed_total{kind="compactbackup"}', values: '0x30'}
              - {series: 'tidb_backup_log_checkpoint_lag_seconds{namespace="tidb",name="lb",cluster="basic"}', values: '60 700x30'}
              - {series: 'tidb_backup_log_checkpoint_lag_seconds{namespace="tidb",name="ok",cluster="basic"}', values: '30x30'}
              - {series: 'tidb_backup_deleting_oldest_seconds', values: '4000x30'}
              - {series: 'tidb_backup_clean_failures_total{provider="s3"}', values: '0 1x30'}
              - {series: 'tidb_backup_clean_failures_total{provider="gcs"}', values: '0x30'}
              - {series: 'tidb_backup_clean_refused_total{reason="SharedPrefix"}', values: '0 0 1x30'}
              - {series: 'tidb_backup_clean_refused_total{reason="EmptyPrefix"}', values: '0x30'}
            alert_rule_test:
              - {eval_time: 10m, alertname: TiDBBackupOperatorDown,
                 exp_alerts: [{exp_labels: {severity: critical}, exp_annotations: {summary: 'tidb-backup-operator is down', description: 'No replica of tidb-backup-operator has answered a scrape for 5 minutes: backups, restores and cleans are neither started nor followed, and deleted Backups wait for their clean.'}}]}
              - {eval_time: 3m, alertname: TiDBBackupOperatorDown, exp_alerts: []}
              - {eval_time: 5m, alertname: TiDBBackupFailed,
                 exp_alerts: [{exp_labels: {severity: warning, kind: backup}, exp_annotations: {summary: 'A TiDB backup failed', description: 'A backup became Failed in the last 15 minutes, after its retries. `kubectl get bk -A | grep Failed` shows which; `kubectl describe bk` says why.'}}]}
              - {eval_time: 5m, alertname: TiDBRestoreFailed, exp_alerts: []}
              - {eval_time: 5m, alertname: TiDBCompactionFailed, exp_alerts: []}
              - {eval_time: 15m, alertname: TiDBLogBackupCheckpointLagging,
                 exp_alerts: [{exp_labels: {severity: critical, namespace: tidb, name: lb, cluster: basic}, exp_annotations: {summary: 'A log backup''s checkpoint is behind', description: 'The checkpoint of log backup tidb/lb is 11m 40s behind: a point-in-time restore cannot reach the last 11m 40s. Its LogCheckpoint condition says whether TiKV paused the task.'}}]}
              - {eval_time: 5m, alertname: TiDBLogBackupCheckpointLagging, exp_alerts: []}
              - {eval_time: 10m, alertname: TiDBBackupCleanStuck,
                 exp_alerts: [{exp_labels: {severity: warning}, exp_annotations: {summary: 'A deleted Backup has waited over an hour for its clean', description: 'A Backup has been deleted for 1h 6m 40s and its data is not yet cleaned; `kubectl get bk -A` (phase Cleaning or CleanFailed) and its events say why.'}}]}
              - {eval_time: 5m, alertname: TiDBBackupCleanRefused,
                 exp_alerts: [{exp_labels: {severity: warning, reason: SharedPrefix}, exp_annotations: {summary: 'A deleted Backup was released with its data kept', description: 'A clean was refused (SharedPrefix): the Backup is gone but its data is still in storage. Its Warning event names the prefix; delete the data by hand if it is really not needed.'}}]}
              - {eval_time: 5m, alertname: TiDBBackupCleanFailed,
                 exp_alerts: [{exp_labels: {severity: warning, provider: s3}, exp_annotations: {summary: 'A backup clean did not verify its prefix empty', description: 'A clean on s3 ended with data left in the last hour; it is retried, and its Backup is released only once its prefix is verified empty.'}}]}
          - interval: 1m
            input_series:
              # hourly, last success at 0: missed; daily-ok succeeds every minute along with time()
              - {series: 'tidb_backup_last_success_timestamp_seconds{namespace="tidb",cluster="basic",schedule="hourly"}', values: '0x200'}
              - {series: 'tidb_backup_schedule_interval_seconds{namespace="tidb",schedule="hourly"}', values: '3600x200'}
              - {series: 'tidb_backup_last_success_timestamp_seconds{namespace="tidb",cluster="basic",schedule="fine"}', values: '0+60x200'}
              - {series: 'tidb_backup_schedule_interval_seconds{namespace="tidb",schedule="fine"}', values: '3600x200'}
              - {series: 'up{job="%1$s"}', values: '1x200'}
            alert_rule_test:
              - {eval_time: 60m, alertname: TiDBBackupScheduleMissed, exp_alerts: []}
              - {eval_time: 120m, alertname: TiDBBackupScheduleMissed,
                 exp_alerts: [{exp_labels: {severity: critical, namespace: tidb, schedule: hourly}, exp_annotations: {summary: 'A backup schedule has not succeeded within its interval', description: 'The newest successful backup of schedule tidb/hourly ended 2h 0m 0s ago, more than 1.5 times the schedule''s interval.'}}]}
              - {eval_time: 120m, alertname: TiDBBackupOperatorDown, exp_alerts: []}
          - interval: 1m
            input_series:
              # short: a 72h promise, a window that fell to 24h at 10m; kept: 80h; young: no promise yet
              - {series: 'tidb_backup_schedule_restorable_window_seconds{namespace="tidb",schedule="short"}', values: '300000x9 86400x60'}
              - {series: 'tidb_backup_schedule_promised_window_seconds{namespace="tidb",schedule="short"}', values: '259200x70'}
              - {series: 'tidb_backup_schedule_restorable_window_seconds{namespace="tidb",schedule="kept"}', values: '288000x70'}
              - {series: 'tidb_backup_schedule_promised_window_seconds{namespace="tidb",schedule="kept"}', values: '259200x70'}
              - {series: 'tidb_backup_schedule_restorable_window_seconds{namespace="tidb",schedule="young"}', values: '3600x70'}
              - {series: 'up{job="%1$s"}', values: '1x70'}
            alert_rule_test:
              - {eval_time: 30m, alertname: TiDBRecoveryWindowShort, exp_alerts: []}
              - {eval_time: 45m, alertname: TiDBRecoveryWindowShort,
                 exp_alerts: [{exp_labels: {severity: critical, namespace: tidb, schedule: short}, exp_annotations: {summary: 'A schedule''s recovery window is shorter than its retention promises', description: 'Schedule tidb/short can restore only 1d 0h 0m 0s back, less than its maxReservedTime promises. `kubectl get bks short -n tidb -o jsonpath=''{.status.recoveryWindow.gaps}''` says what is missing (a failed log backup, truncated log data, a failed snapshot).'}}]}
        """
            .formatted(job));
    String test = promtool("test", "rules", dir.resolve("tests.yaml").toString());
    assertThat(test).contains("SUCCESS");

    // every alert of the rules file is tested above
    Set<String> alerts = new TreeSet<>();
    Serde.YAML
        .readTree(Files.readString(Path.of(r[0])))
        .path("groups")
        .forEach(g -> g.path("rules").forEach(x -> alerts.add(x.path("alert").asText())));
    assertThat(Files.readString(dir.resolve("tests.yaml")))
        .contains(alerts.stream().map(a -> "alertname: " + a).toList());
  }
}
