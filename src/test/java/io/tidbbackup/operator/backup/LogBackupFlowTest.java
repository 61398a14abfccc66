package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingCluster;
import io.tidbbackup.operator.app.OperatorFactory;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A log backup walked through log-start → log-pause → log-truncate → log-stop on the CRUD mock API
 * server.
 */
@EnableKubernetesMockClient(crud = true)
class LogBackupFlowTest {
  static final String NS = "tidb";
  static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesMockServer server;
  KubernetesClient client;
  TestingCluster cluster;
  Operator operator;

  @BeforeEach
  void start() throws Exception {
    cluster = new TestingCluster(client);
    cluster.installCrds();
    operator =
        OperatorFactory.create(
            client, OperatorSettings.defaults().withServerSideApply(false), Clock.systemUTC());
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  BackupStatus status() {
    Backup b = client.resources(Backup.class).inNamespace(NS).withName("lb").get();
    return b.getStatus() == null ? new BackupStatus() : b.getStatus();
  }

  void edit(Consumer<Backup> change) {
    client
        .resources(Backup.class)
        .inNamespace(NS)
        .withName("lb")
        .edit(
            b -> {
              change.accept(b);
              return b;
            });
  }

  /** Log backup lb (log-start is the default subcommand). */
  void createLogBackup() throws Exception {
    client
        .resource(
            Serde.YAML.readValue(
                """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: lb, namespace: tidb}
        spec:
          backupMode: log
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: log}
        """,
                Backup.class))
        .create();
  }

  void runJob(String job, String end, String commitTs) {
    await().atMost(WAIT).until(() -> cluster.job(NS, job) != null);
    AgentResult r = new AgentResult();
    r.success = true;
    r.exitCode = 0;
    r.commitTs = commitTs;
    cluster.jobFinished(NS, job, "2024-01-01T00:00:00Z", end, r, 0);
  }

  @Test
  void logSubcommandsFollowTheSpec() throws Exception {
    createLogBackup();
    runJob("backup-lb-log-start", "2024-01-01T00:01:00Z", "445566778899");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              // a started log backup reads Running (TiDB Operator's phase), never Complete
              assertThat(status().phase).isEqualTo(ConditionTypes.RUNNING);
              assertThat(status().commitTs).isEqualTo("445566778899");
              assertThat(status().backupPath).isEqualTo("s3://b/log");
              assertThat(status().logSubCommandStatuses.get("log-start").phase)
                  .isEqualTo(ConditionTypes.COMPLETE);
            });

    edit(b -> b.getSpec().logSubcommand = LogSubCommand.PAUSE);
    runJob("backup-lb-log-pause", "2024-01-01T00:02:00Z", null);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(status().phase).isEqualTo(ConditionTypes.PAUSED));

    edit(
        b -> {
          b.getSpec().logSubcommand = LogSubCommand.TRUNCATE;
          b.getSpec().logTruncateUntil = "445566000000";
        });
    // log-truncate while paused: the task stays paused, the truncate runs
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-lb-log-truncate") != null);
    assertThat(cluster.job(NS, "backup-lb-log-resume")).isNull();
    assertThat(
            cluster
                .job(NS, "backup-lb-log-truncate")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs())
        .contains("--subcommand=log-truncate");
    runJob("backup-lb-log-truncate", "2024-01-01T00:03:00Z", null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(status().logSuccessTruncateUntil).isEqualTo("445566000000"));

    edit(b -> b.getSpec().logSubcommand = LogSubCommand.STOP);
    runJob("backup-lb-log-stop", "2024-01-01T00:04:00Z", null);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(status().phase).isEqualTo(ConditionTypes.STOPPED));
    assertThat(status().logSubCommandStatuses.keySet())
        .containsExactlyInAnyOrder("log-start", "log-pause", "log-truncate", "log-stop");
  }

  /**
   * A log-start whose pod never starts (here: no pod at all, as when its ServiceAccount is missing)
   * fails the backup at the start deadline (2 s here) and its Job is deleted: a log backup never
   * waits for ever in Scheduled.
   */
  @Test
  void aLogStartWhosePodNeverStartsFailsTheBackup() throws Exception {
    operator.stop();
    operator =
        OperatorFactory.create(
            client,
            OperatorSettings.defaults()
                .withServerSideApply(false)
                .withJobs(
                    io.tidbbackup.operator.job.JobSettings.defaults()
                        .withPodStartDeadline(Duration.ofSeconds(2))),
            Clock.systemUTC());
    operator.start();
    createLogBackup();
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-lb-log-start") != null);
    // a Job that never changes wakes no reconcile: the one after its creation (startPoll, 15 s)
    // finds it
    await()
        .atMost(WAIT.multipliedBy(2))
        .untilAsserted(
            () -> {
              assertThat(status().phase).isEqualTo(ConditionTypes.FAILED);
              assertThat(status().logSubCommandStatuses.get("log-start").phase)
                  .isEqualTo(ConditionTypes.FAILED);
              assertThat(
                      io.tidbbackup.operator.status.Conditions.find(
                              status().conditions, ConditionTypes.FAILED)
                          .reason)
                  .isEqualTo("PodNotStarted");
            });
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-lb-log-start") == null);
  }
}
