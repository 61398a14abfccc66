package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.operator.TestingCluster;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's clock runs 10 s ahead of the API server's: the retry's new Job (created "before"
 * the retry began, by the API server's creationTimestamp) is still taken as the new Job, because
 * the failed one is known by its UID.
 */
@EnableKubernetesMockClient(crud = true)
class BackupRetryClockSkewTest {
  static final String NS = "tidb";
  KubernetesClient client;
  Operator operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.stop();
    }
  }

  @Test
  void aRetryProceedsWhenTheOperatorsClockIsAheadOfTheApiServers() throws Exception {
    TestingCluster cluster = new TestingCluster(client);
    operator = cluster.startOperator(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(10)));
    client.resource(BackupReconcilerTest.backup("skew", BackupReconcilerTest.S3_SPEC)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.job(NS, "backup-skew") != null);
    Job first = cluster.job(NS, "backup-skew");
    cluster.jobFinished(
        NS,
        "backup-skew",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:05Z",
        BackupReconcilerTest.failed("[ERROR] connection refused"),
        1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Job j = cluster.job(NS, "backup-skew");
              return j != null && !j.getMetadata().getUid().equals(first.getMetadata().getUid());
            });
    assertThat(status().backoffRetryStatus)
        .singleElement()
        .satisfies(r -> assertThat(r.failedJobUID).isEqualTo(first.getMetadata().getUid()));
    cluster.jobRunning(NS, "backup-skew", "2024-01-01T00:01:00Z");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ConditionTypes.RUNNING.equals(status().phase));
  }

  io.tidbbackup.api.BackupStatus status() {
    Backup b = client.resources(Backup.class).inNamespace(NS).withName("skew").get();
    return b.getStatus();
  }
}
