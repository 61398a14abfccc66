package io.tidbbackup.operator.compact;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.CompactStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.TestingJobs;
import io.tidbbackup.operator.TestingStatusWriter;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.run.KubeToolJobs;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.EventRecorder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CompactBackupReconciler#reconcile} called directly with a fixed clock: the Jobs it sees
 * are the test's, and every status it writes is kept, so that "one status write per reconcile",
 * "final is final" and "the deadline is the injected clock's" are asserted on state, not by
 * waiting.
 */
@EnableKubernetesMockClient(crud = true)
class CompactBackupReconcilerSyncTest {
  static final String NS = "tidb";
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  KubernetesClient client;
  TestingStatusWriter writer;
  CompactBackupReconciler<CompactBackup> reconciler;

  @BeforeEach
  void setUp() {
    writer = new TestingStatusWriter();
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    reconciler =
        new CompactBackupReconciler<>(
            CompactBackup.class,
            writer,
            new EventRecorder(client, clock),
            new KubeToolJobs(client),
            JobSettings.defaults(),
            new ClusterFactsResolver(client, "v8.5.5"),
            ReconcileIntervals.defaults(),
            clock);
  }

  /** The reconciler with its clock at {@code t}. */
  CompactBackupReconciler<CompactBackup> at(Instant t) {
    Clock clock = Clock.fixed(t, ZoneOffset.UTC);
    return new CompactBackupReconciler<>(
        CompactBackup.class,
        writer,
        new EventRecorder(client, clock),
        new KubeToolJobs(client),
        JobSettings.defaults(),
        new ClusterFactsResolver(client, "v8.5.5"),
        ReconcileIntervals.defaults(),
        clock);
  }

  static CompactBackup compaction(String name, String extra) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: CompactBackup
        metadata: {name: %s, namespace: tidb, uid: uid-%s, creationTimestamp: '2024-05-01T09:59:00Z'}
        spec:
          tikvImage: pingcap/tikv:v8.5.5
          startTs: '443123456789000000'
          endTs: '443123456789900000'
          s3: {provider: aws, bucket: bkt, prefix: log, secretName: s3}
        """
                .formatted(name, name)
            + (extra == null ? "" : extra.indent(2)),
        CompactBackup.class);
  }

  UpdateControl<CompactBackup> reconcile(CompactBackup cb, Object... jobs) {
    return reconciler.reconcile(cb, new TestingContext<>(cb, client).with(jobs));
  }

  CompactStatus last() {
    return (CompactStatus) writer.written.get(writer.written.size() - 1);
  }

  Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  @Test
  void aCompactionsLifeIsOneStatusWriteAReconcileAndCompleteIsFinal() throws Exception {
    CompactBackup cb = compaction("life", null);
    reconcile(cb);
    assertThat(writer.written).hasSize(1);
    assertThat(last().state).isEqualTo(ConditionTypes.SCHEDULED);
    Job job = job("compact-life");
    assertThat(job).isNotNull();

    cb.setStatus(last());
    UpdateControl<CompactBackup> running =
        reconcile(
            cb,
            TestingJobs.withStatus(
                job,
                new JobStatusBuilder()
                    .withActive(1)
                    .withReady(1)
                    .withStartTime("2024-05-01T10:00:05Z")));
    assertThat(writer.written).hasSize(2);
    assertThat(last().state).isEqualTo(ConditionTypes.RUNNING);
    assertThat(last().timeStarted).isEqualTo("2024-05-01T10:00:05Z");
    assertThat(running.getScheduleDelay()).isPresent();

    cb.setStatus(last());
    reconcile(
        cb,
        TestingJobs.withStatus(
            job,
            new JobStatusBuilder()
                .withStartTime("2024-05-01T10:00:05Z")
                .withCompletionTime("2024-05-01T10:05:05Z")
                .withSucceeded(1)
                .withConditions(
                    new JobConditionBuilder()
                        .withType("Complete")
                        .withStatus("True")
                        .withLastTransitionTime("2024-05-01T10:05:05Z")
                        .build())));
    assertThat(writer.written).hasSize(3);
    assertThat(last().state).isEqualTo(ConditionTypes.COMPLETE);
    assertThat(last().endTs).isEqualTo("443123456789900000");

    // final: with its Job gone, nothing is written, created or rescheduled
    cb.setStatus(last());
    client.batch().v1().jobs().inNamespace(NS).withName("compact-life").delete();
    UpdateControl<CompactBackup> again = reconcile(cb);
    assertThat(writer.written).hasSize(3);
    assertThat(again.getScheduleDelay()).isEmpty();
    assertThat(job("compact-life")).isNull();
  }

  /**
   * The pod waits (ImagePullBackOff) for a minute by the reconciler's clock: said in the message
   * with one Warning, not failed; at the deadline (15 minutes after the pod was made, by the
   * reconciler's clock, while the wall clock has moved seconds) it fails and its Job is deleted.
   */
  @Test
  void aPodThatDoesNotStartIsSaidThenFailedAtTheDeadlineOfTheInjectedClock() throws Exception {
    CompactBackup cb = compaction("stuck", null);
    reconcile(cb);
    Job job = job("compact-stuck");
    job.getMetadata().setCreationTimestamp("2024-05-01T09:59:00Z");
    Instant podMade =
        TestingJobs.waitingPod(
            client,
            job,
            "compact",
            "ImagePullBackOff",
            "Back-off pulling image \"pingcap/tikv:v8.5.5\"");
    cb.setStatus(last());
    Job pending =
        TestingJobs.withStatus(
            job, new JobStatusBuilder().withActive(1).withStartTime("2024-05-01T09:59:01Z"));
    int before = writer.written.size();
    UpdateControl<CompactBackup> said =
        at(podMade.plusSeconds(60)).reconcile(cb, new TestingContext<>(cb, client).with(pending));
    assertThat(writer.written).hasSize(before + 1);
    assertThat(last().state).isEqualTo(ConditionTypes.SCHEDULED);
    assertThat(last().message).contains("ImagePullBackOff");
    assertThat(said.getScheduleDelay()).isPresent();
    assertThat(job("compact-stuck")).as("not failed before the deadline").isNotNull();

    // the same cause again: no second write, no second Event
    cb.setStatus(last());
    at(podMade.plusSeconds(90)).reconcile(cb, new TestingContext<>(cb, client).with(pending));
    assertThat(writer.written).hasSize(before + 1);
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "PodNotStarted".equals(e.getReason())))
        .singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));

    // at the deadline by the reconciler's clock (the wall clock has moved seconds)
    at(podMade.plus(JobSettings.DEFAULT_POD_START_DEADLINE))
        .reconcile(cb, new TestingContext<>(cb, client).with(pending));
    assertThat(last().state).isEqualTo(ConditionTypes.FAILED);
    assertThat(last().message).contains("did not start within", "ImagePullBackOff");
    assertThat(job("compact-stuck")).as("its Job is deleted").isNull();
  }

  @Test
  void anInvalidSpecIsInvalidAndNoJobIsMade() throws Exception {
    CompactBackup cb = compaction("bad", null);
    cb.getSpec().endTs = null;
    cb.getSpec().startTs = null;
    reconcile(cb);
    assertThat(writer.written).hasSize(1);
    assertThat(last().state).isEqualTo("Invalid");
    assertThat(job("compact-bad")).isNull();
  }
}
