package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingCluster;
import io.tidbbackup.operator.app.OperatorFactory;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.settings.OperatorSettings;
import io.tidbbackup.operator.status.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BackupReconciler under JOSDK against fabric8's CRUD mock API server; Jobs and pods are driven by
 * the test.
 */
@EnableKubernetesMockClient(crud = true)
class BackupReconcilerTest {
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

  static Backup backup(String name, String specYaml) throws Exception {
    return Serde.YAML.readValue(
        "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nmetadata:\n  name: "
            + name
            + "\n  namespace: "
            + NS
            + "\nspec:\n"
            + specYaml,
        Backup.class);
  }

  static final String S3_SPEC =
      """
        br:
          cluster: basic
        s3:
          provider: aws
          secretName: s3-secret
          bucket: bkt
          prefix: backups/b1
        backoffRetryPolicy:
          minRetryDuration: 1s
          maxRetryTimes: 1
          retryTimeout: 10m
      """;

  Backup get(String name) {
    return client.resources(Backup.class).inNamespace(NS).withName(name).get();
  }

  BackupStatus status(String name) {
    Backup b = get(name);
    return b == null || b.getStatus() == null ? new BackupStatus() : b.getStatus();
  }

  Job awaitJob(String name) {
    await().atMost(WAIT).until(() -> cluster.job(NS, name) != null);
    return cluster.job(NS, name);
  }

  void awaitPhase(String backup, String phase) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(status(backup).phase).isEqualTo(phase));
  }

  static AgentResult ok(String commitTs, long size) {
    AgentResult r = new AgentResult();
    r.success = true;
    r.exitCode = 0;
    r.commitTs = commitTs;
    r.backupSize = size;
    r.backupPath = "s3://bkt/backups/b1";
    return r;
  }

  static AgentResult failed(String error) {
    AgentResult r = new AgentResult();
    r.success = false;
    r.exitCode = 1;
    r.error = error;
    return r;
  }

  @Test
  void snapshotBackupGoesScheduledRunningComplete() throws Exception {
    client.resource(backup("b1", S3_SPEC)).create();
    Job job = awaitJob("backup-b1");
    assertThat(job.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("b1");
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("agent", "backup", "--backupName=b1", "--tikvVersion=v8.5.0");
    awaitPhase("b1", ConditionTypes.SCHEDULED);
    assertThat(status("b1").backupPath).isEqualTo("s3://bkt/backups/b1");

    cluster.jobRunning(NS, "backup-b1", "2024-01-01T00:00:00Z");
    awaitPhase("b1", ConditionTypes.RUNNING);
    assertThat(status("b1").timeStarted).isEqualTo("2024-01-01T00:00:00Z");
    String runningSince =
        Conditions.find(status("b1").conditions, ConditionTypes.SCHEDULED).lastTransitionTime;

    cluster.jobFinished(
        NS,
        "backup-b1",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:01:30Z",
        ok("439330705621123078", 74346),
        0);
    awaitPhase("b1", ConditionTypes.COMPLETE);
    BackupStatus st = status("b1");
    assertThat(st.commitTs).isEqualTo("439330705621123078");
    assertThat(st.backupSize).isEqualTo(74346L);
    assertThat(st.backupSizeReadable).isEqualTo("74 kB");
    assertThat(st.timeCompleted).isEqualTo("2024-01-01T00:01:30Z");
    assertThat(st.timeTaken).isEqualTo("1m30s");
    assertThat(st.conditions)
        .extracting(c -> c.type)
        .containsExactly(ConditionTypes.SCHEDULED, ConditionTypes.RUNNING, ConditionTypes.COMPLETE);
    // an unchanged condition keeps its transition time
    assertThat(Conditions.find(st.conditions, ConditionTypes.SCHEDULED).lastTransitionTime)
        .isEqualTo(runningSince);
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .extracting(e -> e.getReason())
        .contains("JobCreated", "BackupComplete");
  }

  @Test
  void completeBackupNeverRunsAgainEvenWhenItsJobIsDeleted() throws Exception {
    client.resource(backup("b2", S3_SPEC)).create();
    awaitJob("backup-b2");
    cluster.jobFinished(
        NS, "backup-b2", "2024-01-01T00:00:00Z", "2024-01-01T00:00:10Z", ok("1", 100), 0);
    awaitPhase("b2", ConditionTypes.COMPLETE);
    client.batch().v1().jobs().inNamespace(NS).withName("backup-b2").delete();
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                cluster.job(NS, "backup-b2") == null
                    && ConditionTypes.COMPLETE.equals(status("b2").phase));
  }

  /**
   * Deleting a running backup's Job cancels it: Failed with reason JobDeleted, and no second Job.
   */
  @Test
  void aRunningBackupWhoseJobIsDeletedFailsWithJobDeletedAndIsNotRunAgain() throws Exception {
    client.resource(backup("cancel", S3_SPEC)).create();
    awaitJob("backup-cancel");
    cluster.jobRunning(NS, "backup-cancel", "2024-01-01T00:00:00Z");
    awaitPhase("cancel", ConditionTypes.RUNNING);
    client.batch().v1().jobs().inNamespace(NS).withName("backup-cancel").delete();
    awaitPhase("cancel", ConditionTypes.FAILED);
    var failed = Conditions.find(status("cancel").conditions, ConditionTypes.FAILED);
    assertThat(failed.reason).isEqualTo("JobDeleted");
    assertThat(failed.message).contains("backup-cancel", "not run again");
    // Failed is final: the reconcile that wrote it saw no Job and created none, and a terminal
    // phase never runs
    assertThat(cluster.job(NS, "backup-cancel")).isNull();
    assertThat(status("cancel").backoffRetryStatus).isNullOrEmpty();
  }

  /**
   * Upstream, backup-lb-log-start is both Backup lb's log-start Job and Backup lb-log-start's Job;
   * here the second gets a hashed name of its own and both run.
   */
  @Test
  void aBackupNamedLikeAnotherBackupsLogJobRunsAJobOfItsOwn() throws Exception {
    client
        .resource(backup("lb", S3_SPEC + "  backupMode: log\n  logSubcommand: log-start\n"))
        .create();
    awaitJob("backup-lb-log-start");
    client.resource(backup("lb-log-start", S3_SPEC)).create();
    String own = Names.backupJob("lb-log-start", null);
    assertThat(own).startsWith("backup-lb-log-start-");
    Job job = awaitJob(own);
    assertThat(job.getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(get("lb-log-start").getMetadata().getUid());
    awaitPhase("lb-log-start", ConditionTypes.SCHEDULED);
    assertThat(
            cluster
                .job(NS, "backup-lb-log-start")
                .getMetadata()
                .getOwnerReferences()
                .get(0)
                .getName())
        .as("the other Backup's Job is untouched")
        .isEqualTo("lb");
  }

  /**
   * A Job of the name made by hand (or by another tool) is never adopted, nor its 409 taken as
   * success.
   */
  @Test
  void aJobNameHeldByAJobOfNobodysIsAVisibleConditionNotASilent409() throws Exception {
    client
        .resource(
            new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName("backup-held")
                .withNamespace(NS)
                .addToLabels(
                    io.tidbbackup.api.ApiConstants.LABEL_MANAGED_BY,
                    io.tidbbackup.api.ApiConstants.MANAGED_BY_VALUE)
                .addToLabels(io.tidbbackup.api.ApiConstants.LABEL_NAME, "backup")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("x")
                .withImage("busybox")
                .endContainer()
                .withRestartPolicy("Never")
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    client.resource(backup("held", S3_SPEC)).create();
    awaitPhase("held", ConditionTypes.INVALID);
    var c = Conditions.find(status("held").conditions, ConditionTypes.INVALID);
    assertThat(c.reason).isEqualTo("JobNameTaken");
    assertThat(c.message).contains("backup-held", "no owner");
    assertThat(cluster.job(NS, "backup-held").getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  /** A Job deleted before its pod ever ran is a cancel too: never a second Job. */
  @Test
  void aPendingBackupWhoseJobIsDeletedFailsWithJobDeleted() throws Exception {
    client.resource(backup("pend", S3_SPEC)).create();
    awaitJob("backup-pend");
    awaitPhase("pend", ConditionTypes.SCHEDULED);
    client.batch().v1().jobs().inNamespace(NS).withName("backup-pend").delete();
    awaitPhase("pend", ConditionTypes.FAILED);
    assertThat(Conditions.find(status("pend").conditions, ConditionTypes.FAILED).reason)
        .isEqualTo("JobDeleted");
    assertThat(cluster.job(NS, "backup-pend")).isNull();
  }

  /**
   * A log subcommand's Job deleted while it runs: that subcommand Failed (JobDeleted), not run
   * again by itself.
   */
  @Test
  void aLogSubcommandWhoseJobIsDeletedFailsWithJobDeletedAndIsNotRunAgain() throws Exception {
    client
        .resource(backup("lg", S3_SPEC + "  backupMode: log\n  logSubcommand: log-start\n"))
        .create();
    awaitJob("backup-lg-log-start");
    cluster.jobRunning(NS, "backup-lg-log-start", "2024-01-01T00:00:00Z");
    await()
        .atMost(WAIT)
        .until(
            () ->
                status("lg").logSubCommandStatuses != null
                    && ConditionTypes.RUNNING.equals(
                        status("lg").logSubCommandStatuses.get("log-start").phase));
    client.batch().v1().jobs().inNamespace(NS).withName("backup-lg-log-start").delete();
    await()
        .atMost(WAIT)
        .until(
            () ->
                ConditionTypes.FAILED.equals(
                    status("lg").logSubCommandStatuses.get("log-start").phase));
    var sub = status("lg").logSubCommandStatuses.get("log-start");
    assertThat(Conditions.find(sub.conditions, ConditionTypes.FAILED).reason)
        .isEqualTo("JobDeleted");
    assertThat(cluster.job(NS, "backup-lg-log-start")).isNull();
  }

  @Test
  void failedJobIsRetriedPerPolicyThenFailedWithTheToolsError() throws Exception {
    client.resource(backup("b3", S3_SPEC)).create();
    Job first = awaitJob("backup-b3");
    cluster.jobFinished(
        NS,
        "backup-b3",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00:05Z",
        failed("[ERROR] [backup.go:42] [\"connection refused\"] [sas-token=******]"),
        1);
    awaitPhase("b3", ConditionTypes.RETRY_FAILED);
    BackupStatus st = status("b3");
    assertThat(st.backoffRetryStatus).hasSize(1);
    assertThat(st.backoffRetryStatus.get(0).retryNum).isEqualTo(1);
    assertThat(st.backoffRetryStatus.get(0).expectedRetryAt).isNotNull();

    // after minRetryDuration the failed Job is replaced by a new one
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Job j = cluster.job(NS, "backup-b3");
              return j != null && !j.getMetadata().getUid().equals(first.getMetadata().getUid());
            });
    awaitPhase("b3", ConditionTypes.SCHEDULED);
    assertThat(status("b3").backoffRetryStatus.get(0).realRetryAt).isNotNull();
    assertThat(Conditions.isTrue(status("b3").conditions, ConditionTypes.RESTART)).isTrue();

    cluster.jobFinished(
        NS,
        "backup-b3",
        "2024-01-01T00:00:10Z",
        "2024-01-01T00:00:15Z",
        failed("[ERROR] [backup.go:42] [\"connection refused again\"]"),
        1);
    awaitPhase("b3", ConditionTypes.FAILED);
    String message = Conditions.find(status("b3").conditions, ConditionTypes.FAILED).message;
    assertThat(message).contains("BR failed", "connection refused again", "maxRetryTimes=1");
    // Failed is final: no third Job
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> ConditionTypes.FAILED.equals(status("b3").phase));
    assertThat(cluster.jobs(NS))
        .extracting(j -> j.getMetadata().getName())
        .containsExactly("backup-b3");
  }

  @Test
  void invalidSpecBecomesInvalidConditionNamingTheFieldAndNoJob() throws Exception {
    client
        .resource(
            backup(
                "b4",
                """
          backupType: db
          br:
            cluster: basic
          s3:
            provider: aws
            bucket: bkt
        """))
        .create();
    awaitPhase("b4", ConditionTypes.INVALID);
    var c = Conditions.find(status("b4").conditions, ConditionTypes.INVALID);
    assertThat(c.reason).isEqualTo("InvalidSpec");
    assertThat(c.message).contains("spec.br.db is required");
    assertThat(cluster.jobs(NS)).isEmpty();
  }

  @Test
  void versionAndTlsComeFromTheTidbCluster() throws Exception {
    client.resource(io.tidbbackup.operator.TestingCluster.tidbClusterCrd()).create();
    GenericKubernetesResource tc =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("pingcap.com/v1alpha1")
            .withKind("TidbCluster")
            .withNewMetadata()
            .withName("basic")
            .withNamespace(NS)
            .endMetadata()
            .build();
    tc.setAdditionalProperty(
        "spec", Map.of("version", "v7.5.1", "tlsCluster", Map.of("enabled", true)));
    client
        .genericKubernetesResources("pingcap.com/v1alpha1", "TidbCluster")
        .inNamespace(NS)
        .resource(tc)
        .create();

    client.resource(backup("b5", S3_SPEC)).create();
    Job job = awaitJob("backup-b5");
    List<String> args = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    assertThat(args).contains("--tikvVersion=v7.5.1", "--cluster-tls=true");
    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage())
        .isEqualTo("pingcap/br:v7.5.1");
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(v -> v.getName())
        .contains("cluster-client-tls");

    client.resource(backup("b6", S3_SPEC.replace("cluster: basic", "cluster: missing"))).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var c = Conditions.find(status("b6").conditions, ConditionTypes.RETRY_FAILED);
              assertThat(c).isNotNull();
              assertThat(c.reason).isEqualTo("TidbClusterNotFound");
            });
    assertThat(cluster.job(NS, "backup-b6")).isNull();
  }

  /**
   * A Backup the model cannot read (TiDB Operator's own CRDs accept backupMode: volume-snapshot and
   * unknown fields) is Invalid by itself, naming the field and value; it never stops the informer,
   * so the other Backups go on.
   */
  @Test
  void anUnreadableBackupIsInvalidAndTheOthersStillRun() throws Exception {
    client
        .resource(
            Serde.YAML.readValue(
                """
                apiVersion: pingcap.com/v1alpha1
                kind: Backup
                metadata: {name: ebs, namespace: tidb}
                spec:
                  backupMode: volume-snapshot
                  federalVolumeBackupPhase: initialize
                  br: {cluster: basic}
                  s3: {provider: aws, bucket: bkt, prefix: ebs}
                """,
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class))
        .create();
    client.resource(backup("fine", S3_SPEC)).create();
    awaitJob("backup-fine");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var ebs =
                  client
                      .genericKubernetesResources("pingcap.com/v1alpha1", "Backup")
                      .inNamespace(NS)
                      .withName("ebs")
                      .get();
              assertThat(Serde.json(ebs.getAdditionalProperties().get("status")))
                  .contains(
                      "Invalid",
                      "spec.backupMode: \\\"volume-snapshot\\\" is not a value this operator serves",
                      "spec.federalVolumeBackupPhase: unknown field");
            });
    assertThat(cluster.job(NS, "backup-ebs")).as("nothing runs for it").isNull();
    assertThat(
            client
                .genericKubernetesResources("pingcap.com/v1alpha1", "Backup")
                .inNamespace(NS)
                .withName("ebs")
                .get()
                .getMetadata()
                .getAnnotations())
        .as("the in-memory note is never written back")
        .doesNotContainKey(io.tidbbackup.api.TolerantReading.ANNOTATION);
  }
}
