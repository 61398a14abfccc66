package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.Golden;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.TestingJobs;
import io.tidbbackup.operator.TestingStatusWriter;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.storage.CleanMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BackupReconciler#reconcile} called directly, as Flink's reconciler tests do: the Jobs it
 * sees are whatever the test puts into the context, the clock is fixed, and every status it writes
 * is kept. Negative claims ("never runs again") are asserted on state — no status written, no Job
 * created, no reschedule — not by waiting. The sequence of statuses of a backup's life is pinned by
 * a golden file.
 */
@EnableKubernetesMockClient(crud = true)
class BackupReconcilerSyncTest {
  static final String NS = "tidb";
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  KubernetesClient client;
  TestingStatusWriter writer;
  BackupReconciler<Backup> reconciler;

  @BeforeEach
  void setUp() {
    writer = new TestingStatusWriter();
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    reconciler =
        new BackupReconciler<>(
            Backup.class,
            client,
            clock,
            writer,
            new EventRecorder(client, clock),
            new io.tidbbackup.operator.run.KubeToolJobs(client),
            JobSettings.defaults(),
            CleanJobPolicy.defaults(),
            new ClusterFactsResolver(client, "v8.5.0"),
            new InProcessCleaner(),
            new CleanMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
            ReconcileIntervals.defaults(),
            (pd, task) -> {
              throw new java.io.IOException("no PD in this test");
            },
            SecretHoldsSyncTest.off());
  }

  static Backup backup(String name, BackupStatus status) throws Exception {
    Backup b =
        Serde.YAML.readValue(
            """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: %s, namespace: tidb, uid: uid-%s, creationTimestamp: '2024-05-01T09:59:00Z'}
        spec:
          br: {cluster: basic}
          s3: {provider: aws, bucket: bkt, prefix: p/%s, secretName: s3}
          backoffRetryPolicy: {minRetryDuration: 30s, maxRetryTimes: 1, retryTimeout: 30m}
        """
                .formatted(name, name, name),
            Backup.class);
    b.setStatus(status);
    return b;
  }

  UpdateControl<Backup> reconcile(Backup b, Object... jobs) {
    return reconciler.reconcile(b, new TestingContext<>(b, client).with(jobs));
  }

  BackupStatus last() {
    return (BackupStatus) writer.written.get(writer.written.size() - 1);
  }

  Job createdJob(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  @Test
  void aSnapshotBackupsLifeStatusByStatus() throws Exception {
    List<String> life = new ArrayList<>();
    Backup b = backup("life", null);

    UpdateControl<Backup> control = reconcile(b);
    // it comes back even if the Job never changes, to see whether its pod started
    assertThat(control.getScheduleDelay())
        .contains(ReconcileIntervals.defaults().startPoll().toMillis());
    Job job = createdJob("backup-life");
    assertThat(job).as("the Job is created").isNotNull();
    assertThat(last().phase).isEqualTo(ConditionTypes.SCHEDULED);
    life.add(Serde.YAML.writeValueAsString(Map.of("1 created", last())));

    b.setStatus(last());
    // a pod exists (the Job has an active pod and a startTime) but has not started: still Scheduled
    int before = writer.written.size();
    reconcile(
        b,
        TestingJobs.withStatus(
            job, new JobStatusBuilder().withActive(1).withStartTime("2024-05-01T10:00:05Z")));
    assertThat(writer.written).as("nothing to say while the pod starts").hasSize(before);
    assertThat(last().phase).isEqualTo(ConditionTypes.SCHEDULED);

    reconcile(
        b,
        TestingJobs.withStatus(
            job,
            new JobStatusBuilder()
                .withActive(1)
                .withReady(1)
                .withStartTime("2024-05-01T10:00:05Z")));
    assertThat(last().phase).isEqualTo(ConditionTypes.RUNNING);
    life.add(Serde.YAML.writeValueAsString(Map.of("2 running", last())));

    b.setStatus(last());
    AgentResult ok = new AgentResult();
    ok.success = true;
    ok.commitTs = "449873470381293569";
    ok.backupSize = 1536L;
    TestingJobs.endedPod(client, job, "backup", ok, 0);
    Job done =
        TestingJobs.withStatus(
            job,
            new JobStatusBuilder()
                .withStartTime("2024-05-01T10:00:05Z")
                .withCompletionTime("2024-05-01T10:03:05Z")
                .withSucceeded(1)
                .withConditions(
                    new JobConditionBuilder()
                        .withType("Complete")
                        .withStatus("True")
                        .withLastTransitionTime("2024-05-01T10:03:05Z")
                        .build()));
    reconcile(b, done);
    assertThat(last().phase).isEqualTo(ConditionTypes.COMPLETE);
    assertThat(last().commitTs).isEqualTo("449873470381293569");
    life.add(Serde.YAML.writeValueAsString(Map.of("3 complete", last())));
    Golden.check(
        Path.of("src/test/resources/golden/status/backup-snapshot-life.yaml"),
        String.join("", life));

    // Complete is final: with its Job gone (garbage-collected, or deleted by hand) nothing runs
    // again
    b.setStatus(last());
    int writes = writer.written.size();
    client.batch().v1().jobs().inNamespace(NS).withName("backup-life").delete();
    UpdateControl<Backup> again = reconcile(b);
    assertThat(writer.written).hasSize(writes);
    assertThat(again.getScheduleDelay()).isEmpty();
    assertThat(createdJob("backup-life")).isNull();
  }

  @Test
  void aScheduledBackupWhoseJobIsGoneIsFailedAndNothingIsCreated() throws Exception {
    BackupStatus scheduled = new BackupStatus();
    scheduled.phase = ConditionTypes.SCHEDULED;
    UpdateControl<Backup> control = reconcile(backup("gone", scheduled));
    assertThat(last().phase).isEqualTo(ConditionTypes.FAILED);
    assertThat(last().conditions).anyMatch(c -> "JobDeleted".equals(c.reason));
    assertThat(createdJob("backup-gone")).isNull();
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void anEarlierBackupsJobIsWaitedForWithoutAStatusWrite() throws Exception {
    Job old =
        new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
            .withNewMetadata()
            .withName("backup-rc")
            .withNamespace(NS)
            .addNewOwnerReference()
            .withApiVersion("pingcap.com/v1alpha1")
            .withKind("Backup")
            .withName("rc")
            .withUid("uid-of-an-earlier-rc")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withNewStatus()
            .withSucceeded(1)
            .endStatus()
            .build();
    UpdateControl<Backup> control = reconcile(backup("rc", null), old);
    assertThat(control.getScheduleDelay())
        .contains(ReconcileIntervals.defaults().oldJob().toMillis());
    assertThat(writer.written).isEmpty();
    assertThat(createdJob("backup-rc")).isNull();
  }

  @Test
  void aFailedJobIsRetriedByUidAndTheRetryWaitsForItsTime() throws Exception {
    Backup b = backup("rt", null);
    reconcile(b);
    Job job = createdJob("backup-rt");
    b.setStatus(last());
    AgentResult bad = new AgentResult();
    bad.success = false;
    bad.error = "[ERROR] connection refused";
    TestingJobs.endedPod(client, job, "backup", bad, 1);
    Job failed =
        TestingJobs.withStatus(
            job,
            new JobStatusBuilder()
                .withFailed(1)
                .withConditions(
                    new JobConditionBuilder()
                        .withType("Failed")
                        .withStatus("True")
                        .withLastTransitionTime("2024-05-01T10:00:30Z")
                        .build()));
    UpdateControl<Backup> control = reconcile(b, failed);
    assertThat(last().phase).isEqualTo(ConditionTypes.RETRY_FAILED);
    assertThat(last().backoffRetryStatus)
        .singleElement()
        .satisfies(r -> assertThat(r.failedJobUID).isEqualTo(job.getMetadata().getUid()));
    assertThat(control.getScheduleDelay()).as("rescheduled for the retry, not slept").isPresent();
    assertThat(createdJob("backup-rt")).as("not replaced before its time").isNotNull();
  }
}
