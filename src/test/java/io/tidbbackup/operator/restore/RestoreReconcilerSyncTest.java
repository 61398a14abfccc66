package io.tidbbackup.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.TestingJobs;
import io.tidbbackup.operator.TestingStatusWriter;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.run.KubeToolJobs;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventRecorder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RestoreReconciler#reconcile} called directly with a fixed clock: a restore's life one
 * status write a reconcile, Complete and Failed final, a failed restore's {@code prune:
 * afterFailed} one {@code br abort restore} Job whose outcome is recorded with the phase kept.
 */
@EnableKubernetesMockClient(crud = true)
class RestoreReconcilerSyncTest {
  static final String NS = "tidb";
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  KubernetesClient client;
  TestingStatusWriter writer;
  RestoreReconciler<Restore> reconciler;

  @BeforeEach
  void setUp() {
    writer = new TestingStatusWriter();
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
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
            ReconcileIntervals.defaults());
  }

  static Restore restore(String name, String extra) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Restore
        metadata: {name: %s, namespace: tidb, uid: uid-%s, creationTimestamp: '2024-05-01T09:59:00Z'}
        spec:
          br: {cluster: basic}
          toolImage: pingcap/br:v8.5.5
          s3: {provider: aws, bucket: bkt, prefix: full, secretName: s3}
        """
                .formatted(name, name)
            + (extra == null ? "" : extra.indent(2)),
        Restore.class);
  }

  UpdateControl<Restore> reconcile(Restore r, Object... jobs) {
    return reconciler.reconcile(r, new TestingContext<>(r, client).with(jobs));
  }

  RestoreStatus last() {
    return (RestoreStatus) writer.written.get(writer.written.size() - 1);
  }

  Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  @Test
  void aRestoresLifeIsOneStatusWriteAReconcileAndCompleteIsFinal() throws Exception {
    Restore r = restore("life", null);
    reconcile(r);
    assertThat(writer.written).hasSize(1);
    assertThat(last().phase).isEqualTo(ConditionTypes.SCHEDULED);
    Job job = job("restore-life");
    assertThat(job).isNotNull();

    r.setStatus(last());
    AgentResult ok = new AgentResult();
    ok.success = true;
    ok.commitTs = "449873470381293569";
    TestingJobs.endedPod(client, job, "restore", ok, 0);
    reconcile(r, TestingJobs.ended(job, "Complete"));
    assertThat(writer.written).hasSize(2);
    assertThat(last().phase).isEqualTo(ConditionTypes.COMPLETE);
    assertThat(last().commitTs).isEqualTo("449873470381293569");

    r.setStatus(last());
    client.batch().v1().jobs().inNamespace(NS).withName("restore-life").delete();
    UpdateControl<Restore> again = reconcile(r);
    assertThat(writer.written).hasSize(2);
    assertThat(again.getScheduleDelay()).isEmpty();
    assertThat(job("restore-life")).isNull();
  }

  /**
   * status.brOperations as TiDB Operator 1.6.6 writes it for a BR restore: the operations BR said
   * it started, newest first, one entry per operationID; those seen while it ran are kept and
   * refreshed by the agent's final report. The statuses are pinned by a golden file.
   */
  @Test
  void aBrRestoreWritesTheOperationsBrStarted() throws Exception {
    Restore r = restore("ops", null);
    reconcile(r);
    Job job = job("restore-ops");
    RestoreStatus running = RestoreStatuses.copy(last());
    // what the operator read from the running pod's log: the first operation
    running =
        RestoreStatuses.operations(
            running, List.of(operation("op-a", "restore full", "2024-05-01T10:00:30Z")));
    r.setStatus(running);
    AgentResult ok = new AgentResult();
    ok.success = true;
    ok.commitTs = "449873470381293569";
    ok.brOperations =
        List.of(
            operation("op-a", "restore full", "2024-05-01T10:00:30Z"),
            operation("op-b", "restore full", "2024-05-01T10:02:00Z"));
    TestingJobs.endedPod(client, job, "restore", ok, 0);
    reconcile(r, TestingJobs.ended(job, "Complete"));
    assertThat(last().brOperations).extracting(o -> o.operationID).containsExactly("op-b", "op-a");
    io.tidbbackup.Golden.check(
        java.nio.file.Path.of("src/test/resources/golden/status/restore-br-operations.yaml"),
        Serde.YAML.writeValueAsString(
            java.util.Map.of("1 seen in its log while it runs", running, "2 complete", last())));
  }

  static io.tidbbackup.api.BrOperation operation(String id, String command, String at) {
    io.tidbbackup.api.BrOperation o = new io.tidbbackup.api.BrOperation();
    o.operationID = id;
    o.command = command;
    o.observedAt = at;
    return o;
  }

  @Test
  void aFailedRestoreIsPrunedOnceAndItsPhaseStaysFailed() throws Exception {
    Restore r = restore("pr", "prune: afterFailed");
    reconcile(r);
    Job job = job("restore-pr");
    r.setStatus(last());
    AgentResult failed = new AgentResult();
    failed.success = false;
    failed.exitCode = 1;
    failed.error = "[BR:Restore:ErrRestoreFailed] cannot ingest";
    TestingJobs.endedPod(client, job, "restore", failed, 1);

    // the restore fails and, in the same reconcile, its prune Job is made
    reconcile(r, TestingJobs.ended(job, "Failed"));
    assertThat(last().phase).isEqualTo(ConditionTypes.FAILED);
    assertThat(Conditions.isTrue(last().conditions, ConditionTypes.PRUNE_SCHEDULED)).isTrue();
    Job prune = job("restore-pr-prune");
    assertThat(prune).isNotNull();
    assertThat(prune.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--abort=true");

    r.setStatus(last());
    TestingJobs.endedPod(client, prune, "restore", new AgentResult(), 0);
    reconcile(r, TestingJobs.ended(job, "Failed"), TestingJobs.ended(prune, "Complete"));
    assertThat(last().phase).isEqualTo(ConditionTypes.FAILED);
    assertThat(Conditions.isTrue(last().conditions, ConditionTypes.PRUNE_COMPLETE)).isTrue();

    // recorded: nothing more is done or written
    r.setStatus(last());
    int writes = writer.written.size();
    UpdateControl<Restore> again =
        reconcile(r, TestingJobs.ended(job, "Failed"), TestingJobs.ended(prune, "Complete"));
    assertThat(writer.written).hasSize(writes);
    assertThat(again.getScheduleDelay()).isEmpty();
  }

  /**
   * A pod whose Secret is missing, first looked at only past the deadline (a slow kubelet, a
   * reconcile that came late): the restore fails and its status still says why the pod did not
   * start, in PodStarted, not only in the failure's words.
   */
  @Test
  void aPodFirstSeenPastTheDeadlineFailsWithItsCauseInPodStarted() throws Exception {
    Restore r = restore("late", null);
    reconcile(r);
    Job job = job("restore-late");
    Instant podMade =
        TestingJobs.waitingPod(
            client, job, "restore", "CreateContainerConfigError", "secret \"not-there\" not found");
    r.setStatus(last());
    Clock late =
        Clock.fixed(
            podMade.plus(JobSettings.DEFAULT_POD_START_DEADLINE).plusSeconds(1), ZoneOffset.UTC);
    new RestoreReconciler<>(
            Restore.class,
            client,
            late,
            writer,
            new EventRecorder(client, late),
            new KubeToolJobs(client),
            JobSettings.defaults(),
            new ClusterFactsResolver(client, "v8.5.5"),
            ReconcileIntervals.defaults())
        .reconcile(
            r,
            new TestingContext<>(r, client)
                .with(
                    TestingJobs.withStatus(
                        job,
                        new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
                            .withActive(1))));
    assertThat(last().phase).isEqualTo(ConditionTypes.FAILED);
    var said = Conditions.find(last().conditions, ConditionTypes.POD_STARTED);
    assertThat(said).isNotNull();
    assertThat(said.reason).isEqualTo("CreateContainerConfigError");
    assertThat(job("restore-late")).as("its Job is deleted").isNull();
  }
}
