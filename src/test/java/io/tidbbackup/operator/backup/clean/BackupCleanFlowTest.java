package io.tidbbackup.operator.backup.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingCluster;
import io.tidbbackup.operator.app.OperatorFactory;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.OperatorSettings;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.storage.BackupLayout;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every cleanPolicy row and the clean Job's life, on the CRUD mock API server; in-process cleans
 * use s3proxy.
 */
@EnableKubernetesMockClient(crud = true)
class BackupCleanFlowTest {
  static final String NS = "tidb";
  static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  final S3ProxyExtension s3proxy =
      S3ProxyExtension.builder()
          .withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret")
          .withBlobStoreProvider("transient")
          .build();

  KubernetesMockServer server;
  KubernetesClient client;
  TestingCluster cluster;
  Operator operator;

  @BeforeEach
  void start() throws Exception {
    cluster = new TestingCluster(client);
    cluster.installCrds();
    operator = startOperator();
  }

  Operator startOperator() {
    Operator o =
        OperatorFactory.create(
            client,
            OperatorSettings.defaults()
                .withServerSideApply(false)
                .withClean(new CleanJobPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2))),
            Clock.systemUTC());
    o.start();
    return o;
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  static String spec(String policy, String prefix) {
    return """
          cleanPolicy: %s
          br: {cluster: basic}
          s3: {provider: aws, bucket: bkt, prefix: %s, secretName: s3-secret, region: us-east-1}
        """
        .formatted(policy, prefix);
  }

  Backup create(String name, String spec) throws Exception {
    Backup b =
        Serde.YAML.readValue(
            "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nmetadata:\n  name: "
                + name
                + "\n  namespace: "
                + NS
                + "\nspec:\n"
                + spec,
            Backup.class);
    return client.resource(b).create();
  }

  Backup get(String name) {
    return client.resources(Backup.class).inNamespace(NS).withName(name).get();
  }

  BackupStatus status(String name) {
    Backup b = get(name);
    return b == null || b.getStatus() == null ? new BackupStatus() : b.getStatus();
  }

  void complete(String name) {
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-" + name) != null);
    AgentResult r = new AgentResult();
    r.success = true;
    r.commitTs = "1";
    r.backupSize = 10L;
    cluster.jobFinished(NS, "backup-" + name, "2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", r, 0);
    await().atMost(WAIT).until(() -> ConditionTypes.COMPLETE.equals(status(name).phase));
  }

  void delete(String name) {
    client.resources(Backup.class).inNamespace(NS).withName(name).delete();
  }

  void awaitGone(String name) {
    await().atMost(WAIT).until(() -> get(name) == null);
  }

  static CleanReport verified(long deleted) {
    return new CleanReport(
        deleted, deleted, 0, new CleanReport.Requests(2, 1), 0.5, 1, true, null, null, null);
  }

  List<String> eventReasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(e -> e.getReason())
        .toList();
  }

  @Test
  void retainAddsNoFinalizerAndKeepsTheData() throws Exception {
    create("keep", spec("Retain", "p/keep"));
    complete("keep");
    assertThat(get("keep").getMetadata().getFinalizers()).isNullOrEmpty();
    delete("keep");
    awaitGone("keep");
    assertThat(cluster.job(NS, "clean-keep")).isNull();
  }

  @Test
  void deleteRunsTheCleanJobAndReleasesTheFinalizerWhenVerified() throws Exception {
    create("gone", spec("Delete", "p/gone"));
    await()
        .atMost(WAIT)
        .until(() -> get("gone").hasFinalizer(ApiConstants.BACKUP_PROTECTION_FINALIZER));
    complete("gone");
    delete("gone");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-gone") != null);
    Job job = cluster.job(NS, "clean-gone");
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("tidb-backup-manager");
    assertThat(pod.getContainers().get(0).getArgs())
        .containsExactly(
            "agent",
            "clean",
            "--namespace=tidb",
            "--backupName=gone",
            "--backupPath=s3://bkt/p/gone");
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry(
            io.tidbbackup.operator.job.Names.BACKUP_UID_ANNOTATION,
            get("gone").getMetadata().getUid());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var c = Conditions.find(status("gone").conditions, ConditionTypes.CLEAN);
              assertThat(c).isNotNull();
              assertThat(c.status).isEqualTo(ConditionTypes.FALSE);
            });
    assertThat(get("gone")).isNotNull();
    cluster.finishClean(NS, "clean-gone", verified(1234), 0);
    awaitGone("gone");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-gone") == null);
    // the deletion of the clean Job reaches the operator after the release, while its cache may
    // still hold the
    // Backup with the finalizer: no second clean Job may follow
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> cluster.job(NS, "clean-gone") == null);
  }

  @Test
  void cleanProgressIsVisibleWhileTheJobRuns() throws Exception {
    create("prog", spec("Delete", "p/prog"));
    complete("prog");
    delete("prog");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-prog") != null);
    Job job = cluster.job(NS, "clean-prog");
    client
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("clean-prog-abcde")
                .withNamespace(NS)
                .addToLabels("job-name", "clean-prog")
                .addNewOwnerReference()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName("clean-prog")
                .withUid(job.getMetadata().getUid())
                .endOwnerReference()
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/tidb/pods/clean-prog-abcde/log?pretty=false&container=clean&tailLines=50")
        .andReturn(
            200,
            "progress listed=10000 deleted=3000 failed=0\nprogress listed=20000 deleted=13000 failed=0\n")
        .always();
    cluster.jobRunning(NS, "clean-prog", "2024-01-01T00:00:00Z");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var c = Conditions.find(status("prog").conditions, ConditionTypes.CLEAN);
              assertThat(c.status).isEqualTo(ConditionTypes.FALSE);
              assertThat(c.message).contains("deleted 13000 of 20000 objects listed so far");
            });
    cluster.finishClean(NS, "clean-prog", verified(20000), 0);
    awaitGone("prog");
  }

  @Test
  void onFailureKeepsTheDataOfACompleteBackup() throws Exception {
    create("okay", spec("OnFailure", "p/okay"));
    complete("okay");
    delete("okay");
    awaitGone("okay");
    assertThat(cluster.job(NS, "clean-okay")).isNull();
  }

  @Test
  void onFailureCleansAFailedBackup() throws Exception {
    create("bad", spec("OnFailure", "p/bad") + "  backoffRetryPolicy: {maxRetryTimes: 0}\n");
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-bad") != null);
    AgentResult r = new AgentResult();
    r.success = false;
    r.error = "[ERROR] boom";
    cluster.jobFinished(NS, "backup-bad", "2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", r, 1);
    await().atMost(WAIT).until(() -> ConditionTypes.FAILED.equals(status("bad").phase));
    delete("bad");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-bad") != null);
    cluster.finishClean(NS, "clean-bad", verified(3), 0);
    awaitGone("bad");
  }

  @Test
  void aPrefixSharedWithAnotherLiveBackupIsNeverDeleted() throws Exception {
    create("one", spec("Delete", "shared/x"));
    create("two", spec("Retain", "shared"));
    complete("one");
    delete("one");
    awaitGone("one");
    assertThat(cluster.job(NS, "clean-one")).isNull();
    await().atMost(WAIT).until(() -> eventReasons().contains("SharedPrefix"));
    assertThat(get("two")).isNotNull();
  }

  @Test
  void aFailedCleanJobIsReplacedWithBackoffNeverLeftStuck() throws Exception {
    create("retry", spec("Delete", "p/retry"));
    complete("retry");
    delete("retry");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-retry") != null);
    String firstUid = cluster.job(NS, "clean-retry").getMetadata().getUid();
    CleanReport failed =
        new CleanReport(
            5,
            2,
            3,
            new CleanReport.Requests(6, 2),
            1.0,
            5,
            false,
            null,
            null,
            "3 object(s) remain under s3://bkt/p/retry after 5 round(s)");
    cluster.finishClean(NS, "clean-retry", failed, 1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              var c = Conditions.find(status("retry").conditions, ConditionTypes.CLEAN_FAILED);
              assertThat(c).isNotNull();
              assertThat(c.reason).isEqualTo("CleanJobFailed");
              assertThat(c.message).contains("3 object(s) remain");
            });
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Job j = cluster.job(NS, "clean-retry");
              return j != null && !j.getMetadata().getUid().equals(firstUid);
            });
    // the reconcile creates the Job, then writes the status that counts it: wait for both
    await().atMost(WAIT).until(() -> Integer.valueOf(2).equals(status("retry").cleanAttempts));
    cluster.finishClean(NS, "clean-retry", verified(5), 0);
    awaitGone("retry");
  }

  /**
   * The agent refused the path (exit 2, nothing deleted): no retry can help, so the Backup goes,
   * data kept.
   */
  @Test
  void aCleanTheAgentRefusesReleasesWithTheDataKeptAndNoRetry() throws Exception {
    create("refused", spec("Delete", "p/refused"));
    complete("refused");
    delete("refused");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-refused") != null);
    cluster.finishClean(
        NS,
        "clean-refused",
        io.tidbbackup.api.AgentProtocol.refusal(
            "status.backupPath s3://other/x "
                + "lies outside the spec's storage s3://bkt/p/refused"),
        2);
    awaitGone("refused");
    assertThat(eventReasons()).contains("CleanRefused");
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .filteredOn(e -> "CleanRefused".equals(e.getReason()))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .contains(
                        "the data is kept", "refused the backup's path", "s3://bkt/p/refused"));
    assertThat(cluster.job(NS, "clean-refused")).as("no second clean Job").isNull();
  }

  /** A refusal after a retryable failure (the phase is CleanFailed already) still says so, once. */
  @Test
  void aRefusalAfterAFailedAttemptIsStillOneWarning() throws Exception {
    create("again", spec("Delete", "p/again"));
    complete("again");
    delete("again");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-again") != null);
    String firstUid = cluster.job(NS, "clean-again").getMetadata().getUid();
    CleanReport failed =
        new CleanReport(
            5,
            2,
            3,
            new CleanReport.Requests(6, 2),
            1.0,
            5,
            false,
            null,
            null,
            "3 object(s) remain under s3://bkt/p/again after 5 round(s)");
    cluster.finishClean(NS, "clean-again", failed, 1);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Job j = cluster.job(NS, "clean-again");
              return j != null && !j.getMetadata().getUid().equals(firstUid);
            });
    CleanReport denied =
        new CleanReport(
            0,
            0,
            0,
            new CleanReport.Requests(1, 0),
            0.1,
            1,
            false,
            null,
            null,
            "NoSuchBucket: The specified bucket does not exist");
    cluster.finishClean(NS, "clean-again", denied, 1);
    awaitGone("again");
    assertThat(eventReasons()).filteredOn("CleanRefused"::equals).hasSize(1);
  }

  /** The store denied access: retrying the same credentials cannot succeed. */
  @Test
  void aCleanDeniedByTheStoreReleasesWithTheDataKeptAndNoRetry() throws Exception {
    create("denied", spec("Delete", "p/denied"));
    complete("denied");
    delete("denied");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-denied") != null);
    CleanReport denied =
        new CleanReport(
            0,
            0,
            0,
            new CleanReport.Requests(1, 0),
            0.1,
            1,
            false,
            null,
            null,
            "Access Denied (Service: S3, Status Code: 403, Request ID: 1)");
    cluster.finishClean(NS, "clean-denied", denied, 1);
    awaitGone("denied");
    assertThat(eventReasons()).contains("CleanRefused");
    assertThat(cluster.job(NS, "clean-denied")).isNull();
  }

  @Test
  void aRestartOfTheOperatorInTheMiddleOfACleanPicksItUp() throws Exception {
    create("restart", spec("Delete", "p/restart"));
    complete("restart");
    delete("restart");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-restart") != null);
    operator.stop();
    cluster.finishClean(NS, "clean-restart", verified(7), 0);
    operator = startOperator();
    awaitGone("restart");
  }

  @Test
  void emptyBackupPathIsCleanAtOnce() throws Exception {
    create("never", spec("Delete", "p/never"));
    await()
        .atMost(WAIT)
        .until(() -> get("never").hasFinalizer(ApiConstants.BACKUP_PROTECTION_FINALIZER));
    // the backup Job never ran: no status.backupPath written by a result yet, but Scheduled set it;
    // clear it
    await().atMost(WAIT).until(() -> status("never").phase != null);
    client
        .resources(Backup.class)
        .inNamespace(NS)
        .withName("never")
        .editStatus(
            b -> {
              b.getStatus().backupPath = null;
              return b;
            });
    delete("never");
    awaitGone("never");
    assertThat(cluster.job(NS, "clean-never")).isNull();
  }

  @Test
  void aRunningBackupJobIsDeletedBeforeCleaning() throws Exception {
    create("busy", spec("Delete", "p/busy"));
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-busy") != null);
    String uid = cluster.job(NS, "backup-busy").getMetadata().getUid();
    cluster.jobRunning(NS, "backup-busy", "2024-01-01T00:00:00Z");
    await().atMost(WAIT).until(() -> ConditionTypes.RUNNING.equals(status("busy").phase));
    delete("busy");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-busy") != null);
    Job backupJob = cluster.job(NS, "backup-busy");
    assertThat(backupJob == null || !backupJob.getMetadata().getUid().equals(uid)).isTrue();
    cluster.finishClean(NS, "clean-busy", verified(1), 0);
    awaitGone("busy");
  }

  @Test
  void skipAnnotationReleasesWithoutCleaning() throws Exception {
    create("skip", spec("Delete", "p/skip"));
    complete("skip");
    client
        .resources(Backup.class)
        .inNamespace(NS)
        .withName("skip")
        .edit(
            b -> {
              b.getMetadata().setAnnotations(Map.of(ApiConstants.SKIP_CLEAN_ANNOTATION, "true"));
              return b;
            });
    delete("skip");
    awaitGone("skip");
    assertThat(cluster.job(NS, "clean-skip")).isNull();
    assertThat(eventReasons()).contains("CleanSkipped");
  }

  @Test
  void logBackupDeletionStopsTheTaskFirst() throws Exception {
    create(
        "log",
        """
          backupMode: log
          br: {cluster: basic}
          s3: {provider: aws, bucket: bkt, prefix: p/log}
        """);
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-log-log-start") != null);
    assertThat(get("log").hasFinalizer(ApiConstants.BACKUP_PROTECTION_FINALIZER)).isTrue();
    AgentResult r = new AgentResult();
    r.success = true;
    r.commitTs = "42";
    cluster.jobFinished(
        NS, "backup-log-log-start", "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", r, 0);
    await().atMost(WAIT).until(() -> "42".equals(status("log").commitTs));
    delete("log");
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-log-log-stop") != null);
    assertThat(get("log")).isNotNull();
    cluster.jobFinished(
        NS, "backup-log-log-stop", "2024-01-01T00:02:00Z", "2024-01-01T00:02:10Z", r, 0);
    awaitGone("log");
    assertThat(cluster.job(NS, "clean-log")).isNull(); // Retain: data kept
  }

  void terminating() {
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .endMetadata()
                .withNewStatus()
                .withPhase("Terminating")
                .endStatus()
                .build())
        .create();
  }

  /** The Backups' credentials Secret {@code s3-secret} with {@code data}. */
  void credentials(Map<String, String> data) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-secret")
                .withNamespace(NS)
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  /** The message of the first event with {@code reason}. */
  String eventMessage(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .findFirst()
        .orElseThrow()
        .getMessage();
  }

  @Test
  void terminatingNamespaceCleansInProcessWithTheSecret() throws Exception {
    S3Client admin = io.tidbbackup.storage.TestingS3.client(s3proxy.getUri().toString());
    admin.createBucket(b -> b.bucket("bkt"));
    List<String> targets = BackupLayout.snapshotKeys("p/ns-gone", 300);
    List<String> sentinels = BackupLayout.siblingSentinels("p", "ns-gone");
    io.tidbbackup.storage.TestingS3.put(admin, "bkt", targets);
    io.tidbbackup.storage.TestingS3.put(admin, "bkt", sentinels);
    credentials(Map.of("access_key", "access", "secret_key", "secret"));
    create(
        "ns-gone",
        spec("Delete", "p/ns-gone")
            .replace(
                "region: us-east-1", "region: us-east-1, endpoint: '" + s3proxy.getUri() + "'"));
    complete("ns-gone");
    terminating();
    delete("ns-gone");
    awaitGone("ns-gone");
    assertThat(cluster.job(NS, "clean-ns-gone")).isNull();
    assertThat(io.tidbbackup.storage.TestingS3.keys(admin, "bkt"))
        .containsExactlyInAnyOrderElementsOf(sentinels);
    assertThat(eventReasons()).contains("CleaningInProcess");
    admin.close();
  }

  @Test
  void terminatingNamespaceWithoutCredentialsKeepsTheDataAndSaysSo() throws Exception {
    create("irsa", spec("Delete", "p/irsa").replace(", secretName: s3-secret", ""));
    complete("irsa");
    terminating();
    delete("irsa");
    awaitGone("irsa");
    assertThat(eventReasons()).contains("DataOrphaned");
    String msg = eventMessage("DataOrphaned");
    assertThat(msg).contains("s3://bkt/p/irsa");
  }

  /**
   * A Secret without static keys (here only a role to assume) is never filled in with the
   * operator's own identity: the in-process clean does not start, every object is kept, and the
   * Warning says why.
   */
  @Test
  void terminatingNamespaceWithASecretWithoutKeysNeverCleansWithTheOperatorsIdentity()
      throws Exception {
    S3Client admin = io.tidbbackup.storage.TestingS3.client(s3proxy.getUri().toString());
    admin.createBucket(b -> b.bucket("keyless"));
    List<String> targets = BackupLayout.snapshotKeys("p/role", 20);
    io.tidbbackup.storage.TestingS3.put(admin, "keyless", targets);
    credentials(Map.of("AWS_ROLE_ARN", "arn:aws:iam::1:role/operator"));
    create(
        "role",
        spec("Delete", "p/role")
            .replace("bucket: bkt", "bucket: keyless")
            .replace(
                "region: us-east-1", "region: us-east-1, endpoint: '" + s3proxy.getUri() + "'"));
    complete("role");
    terminating();
    delete("role");
    awaitGone("role");
    assertThat(io.tidbbackup.storage.TestingS3.keys(admin, "keyless"))
        .containsExactlyInAnyOrderElementsOf(targets);
    assertThat(eventReasons()).contains("DataOrphaned").doesNotContain("CleaningInProcess");
    String msg = eventMessage("DataOrphaned");
    assertThat(msg)
        .contains("s3-secret has no keys access_key and secret_key", "never uses its own");
    admin.close();
  }

  /**
   * A clean Job left by an earlier Backup of the same name (it has no owner reference, so no
   * garbage collector removes it) is neither taken as this Backup's clean nor left running: it is
   * deleted, and this Backup's own clean Job, bound to its UID, runs; its report, not the old one,
   * releases the Backup.
   */
  @Test
  void anEarlierBackupsCleanJobIsNeverTakenForThisBackupsClean() throws Exception {
    create("again", spec("Delete", "p/again"));
    complete("again");
    String uid = get("again").getMetadata().getUid();
    Job stale =
        io.tidbbackup.operator.job.CleanJobBuilder.build(
            get("again"),
            "s3://bkt/p/again",
            io.tidbbackup.operator.settings.OperatorSettings.defaults().jobs(),
            0);
    stale
        .getMetadata()
        .getAnnotations()
        .put(io.tidbbackup.operator.job.Names.BACKUP_UID_ANNOTATION, "uid-of-earlier");
    client.resource(stale).create();
    // the earlier Backup's clean had succeeded: were its report taken for ours, the Backup would go
    // uncleaned
    cluster.finishClean(NS, "clean-again", verified(1), 0);
    delete("again");
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Job j = cluster.job(NS, "clean-again");
              return j != null
                  && uid.equals(
                      j.getMetadata()
                          .getAnnotations()
                          .get(io.tidbbackup.operator.job.Names.BACKUP_UID_ANNOTATION));
            });
    assertThat(get("again")).as("not released by the earlier Backup's report").isNotNull();
    cluster.finishClean(NS, "clean-again", verified(7), 0);
    awaitGone("again");
  }

  /**
   * A Backup that becomes unreadable while its clean Job runs (an unknown field written by another
   * operator version) is released with its data kept; the clean Job is stopped and gone first, as
   * on every release without a verified clean.
   */
  @Test
  void aBackupThatBecomesUnreadableMidCleanStopsTheCleanBeforeItIsReleased() throws Exception {
    create("odd", spec("Delete", "p/odd"));
    complete("odd");
    delete("odd");
    await().atMost(WAIT).until(() -> cluster.job(NS, "clean-odd") != null);
    client
        .genericKubernetesResources("pingcap.com/v1alpha1", "Backup")
        .inNamespace(NS)
        .withName("odd")
        .edit(
            g -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> spec =
                  (Map<String, Object>) g.getAdditionalProperties().get("spec");
              spec.put("federalVolumeBackupPhase", "initialize");
              return g;
            });
    boolean[] jobGoneFirst = {true};
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              boolean jobThere = cluster.job(NS, "clean-odd") != null;
              boolean gone = get("odd") == null;
              if (gone && jobThere) {
                jobGoneFirst[0] = false;
              }
              return gone;
            });
    assertThat(jobGoneFirst[0]).as("the clean Job was gone before the release").isTrue();
    assertThat(eventReasons()).contains("CleanSkipped");
  }
}
