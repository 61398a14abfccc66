package io.tidbbackup.operator.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Progress;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingCluster;
import io.tidbbackup.operator.status.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RestoreReconciler under JOSDK against fabric8's CRUD mock API server; Jobs and pods are driven by
 * the test.
 */
@EnableKubernetesMockClient(crud = true)
class RestoreReconcilerTest {
  static final String NS = "tidb";
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String S3 =
      "  s3: {provider: aws, bucket: b, prefix: full, secretName: s3-secret}\n";

  KubernetesClient client;
  TestingCluster cluster;
  Operator operator;

  @BeforeEach
  void start() throws Exception {
    cluster = new TestingCluster(client);
    operator = cluster.startOperator(Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  void create(String name, String spec) throws Exception {
    client
        .resource(
            Serde.YAML.readValue(
                "apiVersion: pingcap.com/v1alpha1\nkind: Restore\nmetadata:\n  name: "
                    + name
                    + "\n  namespace: "
                    + NS
                    + "\nspec:\n"
                    + spec,
                Restore.class))
        .create();
  }

  RestoreStatus status(String name) {
    Restore r = client.resources(Restore.class).inNamespace(NS).withName(name).get();
    return r == null || r.getStatus() == null ? new RestoreStatus() : r.getStatus();
  }

  void awaitPhase(String name, String phase) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(status(name).phase).isEqualTo(phase));
  }

  static AgentResult result(boolean ok) {
    AgentResult r = new AgentResult();
    r.success = ok;
    if (ok) {
      r.commitTs = "439330705621123078";
      Progress p = new Progress();
      p.step = "Full Restore";
      p.progress = 100.0;
      r.progresses = List.of(p);
    } else {
      r.error =
          "[ERROR] [restore.go:1] [\"restore failed\"] [error=\"[BR:Restore:ErrRestoreTableIDMismatch]\"]";
    }
    return r;
  }

  @Test
  void aRestoreGoesScheduledRunningCompleteAndNeverRunsAgain() throws Exception {
    create("r1", "  br: {cluster: basic, concurrency: 128}\n  backoffLimit: 2\n" + S3);
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-r1") != null);
    awaitPhase("r1", ConditionTypes.SCHEDULED);
    Job job = cluster.job(NS, "restore-r1");
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly(
            "agent",
            "restore",
            "--namespace=tidb",
            "--restoreName=r1",
            "--tikvVersion=v8.5.0",
            "--mode=snapshot");
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Restore"));

    cluster.jobRunning(NS, "restore-r1", "2024-01-01T00:00:00Z");
    awaitPhase("r1", ConditionTypes.RUNNING);
    assertThat(status("r1").timeStarted).isEqualTo("2024-01-01T00:00:00Z");

    cluster.jobFinished(
        NS,
        "restore-r1",
        "restore",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:02:05Z",
        result(true),
        0);
    awaitPhase("r1", ConditionTypes.COMPLETE);
    RestoreStatus st = status("r1");
    assertThat(st.commitTs).isEqualTo("439330705621123078");
    assertThat(st.timeCompleted).isEqualTo("2024-01-01T00:02:05Z");
    assertThat(st.timeTaken).isEqualTo("2m5s");
    assertThat(st.progresses)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.step).isEqualTo("Full Restore");
              assertThat(p.progress).isEqualTo(100.0);
            });
    assertThat(st.conditions)
        .extracting(c -> c.type)
        .containsExactly(ConditionTypes.SCHEDULED, ConditionTypes.RUNNING, ConditionTypes.COMPLETE);

    // Complete is final: its Job deleted, no new Job comes
    client.batch().v1().jobs().inNamespace(NS).withName("restore-r1").delete();
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-r1") == null);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> cluster.job(NS, "restore-r1") == null);
    assertThat(status("r1").phase).isEqualTo(ConditionTypes.COMPLETE);
  }

  @Test
  void anInvalidSpecGetsInvalidAndNoJob() throws Exception {
    create("bad", "  restoreMode: pitr\n  br: {cluster: basic}\n" + S3);
    awaitPhase("bad", ConditionTypes.INVALID);
    var c = Conditions.find(status("bad").conditions, ConditionTypes.INVALID);
    assertThat(c.reason).isEqualTo("InvalidSpec");
    assertThat(c.message)
        .isEqualTo(
            "spec: a pitr restore needs exactly one of pitrFullBackupStorageProvider and logRestoreStartTs");
    assertThat(cluster.jobs(NS)).isEmpty();
  }

  @Test
  void aFailedJobFailsTheRestoreWithTheToolsErrorAndIsNotRetried() throws Exception {
    create("f1", "  br: {cluster: basic}\n" + S3);
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-f1") != null);
    cluster.jobFinished(
        NS,
        "restore-f1",
        "restore",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:09Z",
        result(false),
        1);
    awaitPhase("f1", ConditionTypes.FAILED);
    var c = Conditions.find(status("f1").conditions, ConditionTypes.FAILED);
    assertThat(c.reason).isEqualTo("RestoreFailed");
    assertThat(c.message).startsWith("BR failed: ").contains("ErrRestoreTableIDMismatch");
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(
            () -> cluster.jobs(NS).size() == 1 && ConditionTypes.FAILED.equals(status("f1").phase));
  }

  @Test
  void pruneAfterFailedRunsBrAbortRestoreOnceAndTheRestoreStaysFailed() throws Exception {
    create(
        "p1",
        "  prune: afterFailed\n  toolImage: pingcap/br:v8.5.5\n  br: {cluster: basic}\n" + S3);
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-p1") != null);
    cluster.jobFinished(
        NS,
        "restore-p1",
        "restore",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:09Z",
        result(false),
        1);
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-p1-prune") != null);
    Job prune = cluster.job(NS, "restore-p1-prune");
    assertThat(prune.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--abort=true");
    assertThat(prune.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "prune");
    assertThat(status("p1").phase).isEqualTo(ConditionTypes.FAILED);
    assertThat(Conditions.isTrue(status("p1").conditions, ConditionTypes.PRUNE_SCHEDULED)).isTrue();

    AgentResult ok = new AgentResult();
    ok.success = true;
    cluster.jobFinished(
        NS, "restore-p1-prune", "restore", "2024-01-01T00:01:00Z", "2024-01-01T00:01:03Z", ok, 0);
    await()
        .atMost(WAIT)
        .until(() -> Conditions.isTrue(status("p1").conditions, ConditionTypes.PRUNE_COMPLETE));
    assertThat(status("p1").phase).isEqualTo(ConditionTypes.FAILED);
    // done: the prune Job is not created again when it goes away
    client.batch().v1().jobs().inNamespace(NS).withName("restore-p1-prune").delete();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> cluster.job(NS, "restore-p1-prune") == null);
  }

  /**
   * Deleting a restore's Job cancels it: Failed (JobDeleted), never a second restore; prune then
   * cleans up.
   */
  @Test
  void aRestoreWhoseJobIsDeletedFailsWithJobDeletedAndIsPruned() throws Exception {
    create(
        "rd",
        "  br: {cluster: basic}\n  prune: afterFailed\n  toolImage: pingcap/br:v8.5.5\n" + S3);
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-rd") != null);
    cluster.jobRunning(NS, "restore-rd", "2024-01-01T00:00:00Z");
    awaitPhase("rd", ConditionTypes.RUNNING);
    client.batch().v1().jobs().inNamespace(NS).withName("restore-rd").delete();
    awaitPhase("rd", ConditionTypes.FAILED);
    assertThat(Conditions.find(status("rd").conditions, ConditionTypes.FAILED).reason)
        .isEqualTo("JobDeleted");
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-rd-prune") != null);
    assertThat(cluster.job(NS, "restore-rd")).isNull();
  }

  /**
   * A prune Job deleted before it finished: PruneFailed (JobDeleted), not a Restore waiting for
   * ever.
   */
  @Test
  void aPruneWhoseJobIsDeletedIsPruneFailed() throws Exception {
    create(
        "rp",
        "  br: {cluster: basic}\n  prune: afterFailed\n  toolImage: pingcap/br:v8.5.5\n" + S3);
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-rp") != null);
    cluster.jobFinished(
        NS,
        "restore-rp",
        "restore",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:01:00Z",
        result(false),
        1);
    await().atMost(WAIT).until(() -> cluster.job(NS, "restore-rp-prune") != null);
    await()
        .atMost(WAIT)
        .until(() -> Conditions.isTrue(status("rp").conditions, ConditionTypes.PRUNE_SCHEDULED));
    client.batch().v1().jobs().inNamespace(NS).withName("restore-rp-prune").delete();
    await()
        .atMost(WAIT)
        .until(() -> Conditions.isTrue(status("rp").conditions, ConditionTypes.PRUNE_FAILED));
    assertThat(Conditions.find(status("rp").conditions, ConditionTypes.PRUNE_FAILED).reason)
        .isEqualTo("JobDeleted");
    assertThat(cluster.job(NS, "restore-rp-prune")).isNull();
  }
}
