package io.tidbbackup.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.TestingStatusWriter;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.recovery.Tso;
import io.tidbbackup.operator.run.KubeToolJobs;
import io.tidbbackup.operator.run.StoragePreflight;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventRecorder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Restore that names a BackupSchedule ({@code spec.backupSource}), reconciled directly: a target
 * outside the schedule's window is Invalid with the window named and makes no Job and no listing;
 * one inside picks the newest Complete snapshot at or before it and the log backup, lists their
 * storage before the Job (a listing still running makes nothing yet), and says the choice; a
 * missing backupmeta is Invalid with nothing run.
 */
@EnableKubernetesMockClient(crud = true)
class RestoreFromBackupSourceSyncTest {
  static final String NS = "tidb";
  static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");

  KubernetesClient client;
  TestingStatusWriter writer;
  RestoreReconciler<Restore> reconciler;
  final List<List<StoragePreflight.Probe>> listed = new ArrayList<>();
  Optional<StoragePreflight.Outcome> answer = Optional.empty();

  /** The listings as a test decides them; each call recorded. */
  class Listings extends StoragePreflight {
    @Override
    public Optional<Outcome> check(String id, List<Probe> probes) {
      listed.add(probes);
      return answer;
    }
  }

  static long ts(int hour) {
    return Tso.of(DAY.plusSeconds(hour * 3600L));
  }

  @BeforeEach
  void setUp() throws Exception {
    writer = new TestingStatusWriter();
    Clock clock = Clock.fixed(DAY.plusSeconds(86400), ZoneOffset.UTC);
    reconciler =
        new RestoreReconciler<>(
            Restore.class,
            client,
            clock,
            writer,
            new EventRecorder(client, clock),
            new KubeToolJobs(client),
            JobSettings.defaults(),
            new ClusterFactsResolver(client, "v8.5.5"),
            ReconcileIntervals.defaults(),
            new Listings());
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3")
                .endMetadata()
                .withStringData(Map.of("access_key", "AKID", "secret_key", "not-said"))
                .build())
        .create();
    client
        .resource(
            Serde.YAML.readValue(
                """
                apiVersion: pingcap.com/v1alpha1
                kind: BackupSchedule
                metadata: {name: nightly, namespace: tidb}
                spec:
                  schedule: "0 */6 * * *"
                  backupTemplate:
                    br: {cluster: basic}
                    s3: {provider: aws, bucket: bkt, prefix: sched, secretName: s3}
                """,
                BackupSchedule.class))
        .create();
    child("nightly-0", false, "phase: Complete, commitTs: '" + ts(0) + "'");
    child("nightly-6", false, "phase: Complete, commitTs: '" + ts(6) + "'");
    child("nightly-12", false, "phase: Failed");
    child(
        "log-nightly",
        true,
        "phase: Running, commitTs: '" + ts(1) + "', logCheckpointTs: '" + ts(15) + "'");
  }

  void child(String name, boolean log, String status) throws Exception {
    client
        .resource(
            Serde.YAML.readValue(
                """
                apiVersion: pingcap.com/v1alpha1
                kind: Backup
                metadata:
                  name: %s
                  namespace: tidb
                  labels: {tidb.pingcap.com/backup-schedule: nightly}
                spec:
                  %s
                  br: {cluster: basic}
                  s3: {provider: aws, bucket: bkt, prefix: sched/%s, secretName: s3}
                status: {%s, backupPath: 's3://bkt/sched/%s'}
                """
                    .formatted(
                        name, log ? "backupMode: log" : "backupMode: snapshot", name, status, name),
                Backup.class))
        .create();
  }

  static Restore restore(String name, String target) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Restore
        metadata: {name: %s, namespace: tidb, uid: uid-%s}
        spec:
          br: {cluster: target}
          toolImage: pingcap/br:v8.5.5
          restoreMode: pitr
          pitrRestoredTs: '%s'
          backupSource: {backupSchedule: nightly}
        """
            .formatted(name, name, target),
        Restore.class);
  }

  RestoreStatus last() {
    return (RestoreStatus) writer.written.get(writer.written.size() - 1);
  }

  Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  @Test
  void aTargetOutsideTheWindowIsInvalidWithTheWindowNamedAndNothingRuns() throws Exception {
    Restore r = restore("late", "2024-05-01 16:00:00");
    reconciler.reconcile(r, new TestingContext<>(r, client));
    assertThat(last().phase).isEqualTo(ConditionTypes.INVALID);
    var c = Conditions.find(last().conditions, ConditionTypes.INVALID);
    assertThat(c.reason).isEqualTo("OutsideRecoveryWindow");
    assertThat(c.message)
        .contains(
            "spec.pitrRestoredTs 2024-05-01 16:00:00 (2024-05-01T16:00:00Z) is outside",
            "BackupSchedule nightly",
            "restorable from 2024-05-01T00:00:00Z to 2024-05-01T15:00:00Z",
            "2024-05-01T06:00:00Z to 2024-05-01T15:00:00Z (snapshot nightly-6, log backup log-nightly)");
    assertThat(job("restore-late")).isNull();
    assertThat(listed).as("no storage listed for a refused target").isEmpty();
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .anyMatch(e -> "OutsideRecoveryWindow".equals(e.getReason()));
  }

  @Test
  void aTargetInsideIsCheckedOnTheStorageThenRestoredFromTheNewestSnapshotBeforeIt()
      throws Exception {
    Restore r = restore("in", "2024-05-01T13:30:00Z");
    // the listing runs: no Job yet, nothing said
    reconciler.reconcile(r, new TestingContext<>(r, client));
    assertThat(job("restore-in")).isNull();
    assertThat(writer.written).isEmpty();
    assertThat(listed.get(0))
        .extracting(StoragePreflight.Probe::what)
        .containsExactly("snapshot nightly-6's backupmeta", "log backup log-nightly's metadata");
    assertThat(listed.get(0).get(0).key()).isEqualTo("backupmeta");
    assertThat(listed.get(0).get(0).env()).containsEntry("AWS_ACCESS_KEY_ID", "AKID");

    answer = Optional.of(new StoragePreflight.Outcome(List.of(), null));
    reconciler.reconcile(r, new TestingContext<>(r, client));
    RestoreStatus st = last();
    assertThat(st.phase).isEqualTo(ConditionTypes.SCHEDULED);
    assertThat(st.backupSource.snapshotBackup).isEqualTo("nightly-6");
    assertThat(st.backupSource.logBackup).isEqualTo("log-nightly");
    assertThat(st.backupSource.restoredTime).isEqualTo("2024-05-01T13:30:00Z");
    assertThat(st.backupSource.snapshotPath).isEqualTo("s3://bkt/sched/nightly-6");
    assertThat(st.backupSource.preflight).contains("found");
    assertThat(Conditions.find(st.conditions, ConditionTypes.BACKUP_SOURCE_CHOSEN).reason)
        .isEqualTo("BackupSourceChosen");
    // what the agent runs: the spec it is given, the log inline and the snapshot as full backup
    var env = job("restore-in").getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    String spec =
        env.stream()
            .filter(e -> e.getName().equals(io.tidbbackup.api.JobEnv.SPEC))
            .findFirst()
            .orElseThrow()
            .getValue();
    io.tidbbackup.api.RestoreSpec ran = Serde.fromJson(spec, io.tidbbackup.api.RestoreSpec.class);
    assertThat(ran.s3.prefix).isEqualTo("sched/log-nightly");
    assertThat(ran.pitrFullBackupStorageProvider.s3.prefix).isEqualTo("sched/nightly-6");
    assertThat(ran.pitrRestoredTs)
        .isEqualTo(Long.toString(Tso.of(Instant.parse("2024-05-01T13:30:00Z"))));
    assertThat(ran.backupSource).isNull();
    assertThat(env.toString()).doesNotContain("not-said");
  }

  @Test
  void aMissingBackupmetaIsInvalidAndMakesNoJob() throws Exception {
    Restore r = restore("gone", "2024-05-01T07:00:00Z");
    answer =
        Optional.of(
            new StoragePreflight.Outcome(
                List.of("snapshot nightly-6's backupmeta (s3://bkt/sched/nightly-6/backupmeta)"),
                null));
    reconciler.reconcile(r, new TestingContext<>(r, client));
    var c = Conditions.find(last().conditions, ConditionTypes.INVALID);
    assertThat(c.reason).isEqualTo("BackupDataMissing");
    assertThat(c.message).contains("nightly-6's backupmeta");
    assertThat(job("restore-gone")).isNull();
  }

  /** br.pingcap.com: the same choice over v2's Backups and BackupSchedule. */
  @Test
  void aV2RestoreNamingAV2ScheduleIsRefusedOutsideItsWindowToo() throws Exception {
    client
        .resource(
            Serde.YAML.readValue(
                """
                apiVersion: br.pingcap.com/v1alpha1
                kind: BackupSchedule
                metadata: {name: v2s, namespace: tidb}
                spec:
                  schedule: "0 */6 * * *"
                  backupTemplate:
                    br: {cluster: basic}
                    s3: {provider: aws, bucket: bkt, prefix: v2, secretName: s3}
                """,
                io.tidbbackup.api.v2.BrBackupSchedule.class))
        .create();
    client
        .resource(
            Serde.YAML.readValue(
                """
                apiVersion: br.pingcap.com/v1alpha1
                kind: Backup
                metadata:
                  name: v2s-0
                  namespace: tidb
                  labels: {tidb.pingcap.com/backup-schedule: v2s}
                spec:
                  br: {cluster: basic}
                  s3: {provider: aws, bucket: bkt, prefix: v2/0, secretName: s3}
                status: {phase: Complete, commitTs: '%d'}
                """
                    .formatted(ts(0)),
                io.tidbbackup.api.v2.BrBackup.class))
        .create();
    io.tidbbackup.api.v2.BrRestore r =
        client
            .resource(
                Serde.YAML.readValue(
                    """
                    apiVersion: br.pingcap.com/v1alpha1
                    kind: Restore
                    metadata: {name: v2r, namespace: tidb}
                    spec:
                      br: {cluster: basic}
                      restoreMode: pitr
                      pitrRestoredTs: '2024-05-01T03:00:00Z'
                      backupSource: {backupSchedule: v2s}
                    """,
                    io.tidbbackup.api.v2.BrRestore.class))
            .create();
    Clock clock = Clock.fixed(DAY.plusSeconds(86400), ZoneOffset.UTC);
    new RestoreReconciler<>(
            io.tidbbackup.api.v2.BrRestore.class,
            client,
            clock,
            writer,
            new EventRecorder(client, clock),
            new KubeToolJobs(client),
            JobSettings.defaults(),
            new ClusterFactsResolver(client, "v8.5.5"),
            ReconcileIntervals.defaults(),
            new Listings())
        .reconcile(r, new TestingContext<>(r, client));
    var c = Conditions.find(last().conditions, ConditionTypes.INVALID);
    assertThat(c.reason).isEqualTo("OutsideRecoveryWindow");
    // only v2's backups count: the v1 schedule nightly's are not v2s'
    assertThat(c.message)
        .contains("BackupSchedule v2s", "2024-05-01T00:00:00Z only (snapshot v2s-0)")
        .doesNotContain("nightly");
    assertThat(job("restore-v2r")).isNull();
    assertThat(listed).isEmpty();
  }
}
