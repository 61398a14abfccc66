package io.tidbbackup.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.BackupScheduleStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.TestingStatusWriter;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.surface.ApiSurface;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link BackupScheduleReconciler#reconcile} called directly with a fixed clock: the schedule fires
 * once when due (its child is the next reconcile's secondary resource, never made twice), wakes at
 * its next time by the reconciler's clock, and an invalid schedule is said once with nothing made.
 */
@EnableKubernetesMockClient(crud = true)
class BackupScheduleReconcilerSyncTest {
  static final String NS = "tidb";
  static final Instant CREATED = Instant.parse("2024-05-01T09:30:00Z");

  KubernetesClient client;
  final TestingStatusWriter writer = new TestingStatusWriter();

  BackupScheduleReconciler<BackupSchedule> at(Instant t) {
    Clock clock = Clock.fixed(t, ZoneOffset.UTC);
    @SuppressWarnings("unchecked")
    BackupScheduleReconciler<BackupSchedule> r =
        (BackupScheduleReconciler<BackupSchedule>)
            (BackupScheduleReconciler<?>)
                new BackupScheduleReconciler<>(
                    ApiSurface.V1, client, clock, writer, new EventRecorder(client, clock));
    return r;
  }

  static BackupSchedule schedule(String cron) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: BackupSchedule
        metadata: {name: hourly, namespace: tidb, uid: uid-hourly, creationTimestamp: '%s'}
        spec:
          schedule: "%s"
          backupTemplate:
            br: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: sched, secretName: s}
        """
            .formatted(CREATED, cron),
        BackupSchedule.class);
  }

  List<Backup> children() {
    return client.resources(Backup.class).inNamespace(NS).list().getItems();
  }

  @Test
  void aDueScheduleMakesOneBackupAndWakesAtItsNextTimeByTheReconcilersClock() throws Exception {
    BackupSchedule bs = schedule("0 * * * *");
    Instant due = Instant.parse("2024-05-01T10:00:10Z");
    UpdateControl<BackupSchedule> control = at(due).reconcile(bs, new TestingContext<>(bs, client));
    assertThat(children()).hasSize(1);
    assertThat(writer.written).hasSize(1);
    // the next run is at 11:00: the wait is from the reconciler's clock, not the wall clock
    assertThat(control.getScheduleDelay())
        .hasValueSatisfying(
            ms ->
                assertThat(ms)
                    .isEqualTo(
                        java.time.Duration.between(due, Instant.parse("2024-05-01T11:00:00Z"))
                            .toMillis()));

    // the child is seen: nothing made twice
    bs.setStatus((BackupScheduleStatus) writer.written.get(0));
    Backup child = children().get(0);
    at(due.plusSeconds(5)).reconcile(bs, new TestingContext<>(bs, client).with(child));
    assertThat(children()).hasSize(1);
  }

  @Test
  void anInvalidScheduleIsSaidOnceAndMakesNothing() throws Exception {
    BackupSchedule bs = schedule("not a cron");
    UpdateControl<BackupSchedule> control =
        at(Instant.parse("2024-05-01T10:00:00Z")).reconcile(bs, new TestingContext<>(bs, client));
    assertThat(children()).isEmpty();
    assertThat(control.getScheduleDelay()).isEmpty();
    BackupScheduleStatus st = (BackupScheduleStatus) writer.written.get(0);
    assertThat(Conditions.isTrue(st.conditions, ConditionTypes.INVALID)).isTrue();

    bs.setStatus(st);
    at(Instant.parse("2024-05-01T10:05:00Z")).reconcile(bs, new TestingContext<>(bs, client));
    assertThat(writer.written).as("the same condition: not written again").hasSize(1);
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "InvalidSpec".equals(e.getReason())))
        .singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  /** The schedule with a backup-now request, as the API server would hold it. */
  static BackupSchedule asked(BackupSchedule bs, String request) {
    bs.getMetadata()
        .setAnnotations(
            java.util.Map.of(io.tidbbackup.api.ApiConstants.BACKUP_NOW_ANNOTATION, request));
    return bs;
  }

  @Test
  void aBackupNowRequestMakesOneBackupAtOnceAndNeverASecondForTheSameValue() throws Exception {
    // not due until 11:00: only the request makes a Backup
    BackupSchedule bs = asked(schedule("0 * * * *"), "req-1");
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().lastBackupTime = "2024-05-01T10:00:00Z";
    Instant t = Instant.parse("2024-05-01T10:20:07Z");
    at(t).reconcile(bs, new TestingContext<>(bs, client));
    assertThat(children())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.getMetadata().getName()).isEqualTo("hourly-2024-05-01t10-20-07");
              assertThat(b.getMetadata().getAnnotations())
                  .containsEntry(
                      io.tidbbackup.api.ApiConstants.BACKUP_NOW_REQUEST_ANNOTATION, "req-1");
              assertThat(b.getMetadata().getLabels())
                  .containsEntry(io.tidbbackup.api.ApiConstants.LABEL_BACKUP_SCHEDULE, "hourly");
            });
    BackupScheduleStatus st = (BackupScheduleStatus) writer.written.get(0);
    assertThat(st.backupNow.request).isEqualTo("req-1");
    assertThat(st.backupNow.outcome).isEqualTo("Created");
    assertThat(st.backupNow.backup).isEqualTo("hourly-2024-05-01t10-20-07");
    assertThat(Conditions.find(st.conditions, ConditionTypes.BACKUP_NOW).status).isEqualTo("True");
    assertThat(st.lastBackupTime)
        .as("the cron's own times are kept")
        .isEqualTo("2024-05-01T10:00:00Z");

    // answered: a later reconcile (the child finished, the same value) makes nothing more
    bs.setStatus(st);
    Backup child = children().get(0);
    child.setStatus(new io.tidbbackup.api.BackupStatus());
    child.getStatus().phase = "Complete";
    at(t.plusSeconds(30)).reconcile(bs, new TestingContext<>(bs, client).with(child));
    assertThat(children()).hasSize(1);

    // a status write lost: the value not in status, but its Backup exists: answered by it
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().lastBackupTime = "2024-05-01T10:00:00Z";
    at(t.plusSeconds(60)).reconcile(bs, new TestingContext<>(bs, client).with(child));
    assertThat(children()).hasSize(1);
    BackupScheduleStatus again =
        (BackupScheduleStatus) writer.written.get(writer.written.size() - 1);
    assertThat(again.backupNow.backup).isEqualTo("hourly-2024-05-01t10-20-07");
  }

  @Test
  void aBackupNowRequestWhileABackupRunsIsRefusedOnceWithACondition() throws Exception {
    BackupSchedule bs = asked(schedule("0 * * * *"), "req-2");
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().lastBackupTime = "2024-05-01T10:00:00Z";
    Backup running = new Backup();
    running.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("hourly-2024-05-01t10-00-00")
            .withNamespace(NS)
            .withCreationTimestamp("2024-05-01T10:00:00Z")
            .withLabels(
                java.util.Map.of(io.tidbbackup.api.ApiConstants.LABEL_BACKUP_SCHEDULE, "hourly"))
            .build());
    running.setSpec(new io.tidbbackup.api.BackupSpec());
    running.setStatus(new io.tidbbackup.api.BackupStatus());
    running.getStatus().phase = "Running";
    Instant t = Instant.parse("2024-05-01T10:20:00Z");
    at(t).reconcile(bs, new TestingContext<>(bs, client).with(running));
    assertThat(children()).isEmpty();
    BackupScheduleStatus st = (BackupScheduleStatus) writer.written.get(0);
    assertThat(st.backupNow.outcome).isEqualTo("Refused");
    assertThat(st.backupNow.message).contains("hourly-2024-05-01t10-00-00", "is running");
    var c = Conditions.find(st.conditions, ConditionTypes.BACKUP_NOW);
    assertThat(c.status).isEqualTo("False");
    assertThat(c.reason).isEqualTo("BackupNowRefused");

    // the same value after the backup ended: still answered, nothing made, no second Warning
    bs.setStatus(st);
    running.getStatus().phase = "Complete";
    at(t.plusSeconds(60)).reconcile(bs, new TestingContext<>(bs, client).with(running));
    assertThat(children()).isEmpty();
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "BackupNowRefused".equals(e.getReason())))
        .singleElement();
  }

  @Test
  void theWindowOfTheSchedulesBackupsIsInItsStatus() throws Exception {
    BackupSchedule bs = schedule("0 * * * *");
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().lastBackupTime = "2024-05-01T10:00:00Z";
    Backup done =
        Serde.YAML.readValue(
            """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata:
          name: hourly-2024-05-01t10-00-00
          namespace: tidb
          creationTimestamp: '2024-05-01T10:00:00Z'
          labels: {tidb.pingcap.com/backup-schedule: hourly}
        spec:
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: x}
        status: {phase: Complete, commitTs: '449873470381293569'}
        """,
            Backup.class);
    at(Instant.parse("2024-05-01T10:20:00Z"))
        .reconcile(bs, new TestingContext<>(bs, client).with(done));
    BackupScheduleStatus st = (BackupScheduleStatus) writer.written.get(0);
    assertThat(st.recoveryWindow.earliestSnapshot).isEqualTo("hourly-2024-05-01t10-00-00");
    assertThat(st.recoveryWindow.latestTs).isEqualTo("449873470381293569");
    assertThat(st.recoveryWindow.gaps).isNull();
  }
}
