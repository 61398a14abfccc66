package io.tidbbackup.operator.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.CompactStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingCluster;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CompactBackupReconciler on the CRUD mock API server: Job, Running, Complete or Failed, and
 * Invalid.
 */
@EnableKubernetesMockClient(crud = true)
class CompactBackupReconcilerTest {
  static final String NS = "tidb";
  static final Duration WAIT = Duration.ofSeconds(20);

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
                "apiVersion: pingcap.com/v1alpha1\nkind: CompactBackup\nmetadata:\n  name: "
                    + name
                    + "\n  namespace: "
                    + NS
                    + "\nspec:\n"
                    + spec,
                CompactBackup.class))
        .create();
  }

  CompactStatus status(String name) {
    CompactBackup c = client.resources(CompactBackup.class).inNamespace(NS).withName(name).get();
    return c.getStatus() == null ? new CompactStatus() : c.getStatus();
  }

  @Test
  void aCompactionRunsToCompleteAndAFailureSaysWhy() throws Exception {
    create(
        "c1",
        "  tikvImage: pingcap/tikv:v8.5.5\n  startTs: '443123456789000000'\n  endTs: '443124000000000000'\n  maxRetryTimes: 2\n"
            + "  s3: {provider: aws, bucket: b, prefix: log, secretName: s3-secret}\n");
    await().atMost(WAIT).until(() -> cluster.job(NS, "compact-c1") != null);
    Job job = cluster.job(NS, "compact-c1");
    assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage())
        .isEqualTo("pingcap/tikv:v8.5.5");
    await().atMost(WAIT).until(() -> ConditionTypes.SCHEDULED.equals(status("c1").state));
    AgentResult ok = new AgentResult();
    ok.success = true;
    cluster.jobFinished(
        NS, "compact-c1", "compact", "2024-01-01T00:00:00Z", "2024-01-01T00:10:00Z", ok, 0);
    await().atMost(WAIT).until(() -> ConditionTypes.COMPLETE.equals(status("c1").state));
    assertThat(status("c1").endTs).isEqualTo("443124000000000000");
    assertThat(status("c1").timeCompleted).isEqualTo("2024-01-01T00:10:00Z");

    create(
        "c2",
        "  tikvImage: pingcap/tikv:nightly\n  startTs: '1'\n  s3: {provider: aws, bucket: b, prefix: log}\n");
    await().atMost(WAIT).until(() -> cluster.job(NS, "compact-c2") != null);
    AgentResult bad = new AgentResult();
    bad.success = false;
    bad.error = "[ERROR] failed to read the log backup metadata";
    cluster.jobFinished(
        NS, "compact-c2", "compact", "2024-01-01T00:00:00Z", "2024-01-01T00:00:09Z", bad, 1);
    await().atMost(WAIT).until(() -> ConditionTypes.FAILED.equals(status("c2").state));
    assertThat(status("c2").message).contains("failed to read the log backup metadata");
  }

  @Test
  void anInvalidCompactionSaysWhichFieldAndGetsNoJob() throws Exception {
    create("bad", "  s3: {provider: aws, bucket: b}\n");
    await().atMost(WAIT).until(() -> ConditionTypes.INVALID.equals(status("bad").state));
    assertThat(status("bad").message).startsWith("spec.startTs is required");
    assertThat(cluster.job(NS, "compact-bad")).isNull();
    // the cluster runs v8.5.0, whose tikv-ctl has no compact-log-backup: Invalid once the version
    // is known, with no Job that would fail on an unknown subcommand
    create("old", "  startTs: '1'\n  endTs: '2'\n  s3: {provider: aws, bucket: b, prefix: log}\n");
    await().atMost(WAIT).until(() -> ConditionTypes.INVALID.equals(status("old").state));
    assertThat(status("old").message)
        .isEqualTo(
            "spec.tikvImage: tikv-ctl v8.5.0 has no compact-log-backup (TiKV v8.5.5 or later has"
                + " it)");
    assertThat(cluster.job(NS, "compact-old")).isNull();
  }

  /** Deleting a compaction's Job cancels it: Failed, and no second Job. */
  @Test
  void aCompactionWhoseJobIsDeletedFailsAndIsNotRunAgain() throws Exception {
    create(
        "cd",
        "  tikvImage: pingcap/tikv:nightly\n  startTs: '1'\n  s3: {provider: aws, bucket: b, prefix: log}\n");
    await().atMost(WAIT).until(() -> cluster.job(NS, "compact-cd") != null);
    cluster.jobRunning(NS, "compact-cd", "2024-01-01T00:00:00Z");
    await().atMost(WAIT).until(() -> ConditionTypes.RUNNING.equals(status("cd").state));
    client.batch().v1().jobs().inNamespace(NS).withName("compact-cd").delete();
    await().atMost(WAIT).until(() -> ConditionTypes.FAILED.equals(status("cd").state));
    assertThat(status("cd").message).contains("compact-cd", "deleted");
    assertThat(cluster.job(NS, "compact-cd")).isNull();
  }
}
