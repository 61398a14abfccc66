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
}
