package io.tidbbackup.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.MutableClock;
import io.tidbbackup.operator.TestingCluster;
import io.tidbbackup.operator.status.Conditions;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule under JOSDK on the CRUD mock API server, with the operator's clock moved by the
 * test: child Backups appear at firings, run through the Backup reconciler (their Jobs driven by
 * the test), and retention removes them.
 */
@EnableKubernetesMockClient(crud = true)
class BackupScheduleReconcilerTest {
  static final String NS = "tidb";
  static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesClient client;
  TestingCluster cluster;
  Operator operator;
  MutableClock clock;

  @BeforeEach
  void start() throws Exception {
    cluster = new TestingCluster(client);
    // the schedule's base is its creationTimestamp, which the mock server sets from the real clock
    clock = new MutableClock(Instant.now());
    operator = cluster.startOperator(clock);
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  void createSchedule(String extra) throws Exception {
    client
        .resource(
            Serde.YAML.readValue(
                """
        apiVersion: pingcap.com/v1alpha1
        kind: BackupSchedule
        metadata: {name: hourly, namespace: tidb}
        spec:
          schedule: "0 * * * *"
        %s
          backupTemplate:
            br: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: sched, secretName: s}
        """
                    .formatted(extra.indent(2).stripTrailing()),
                BackupSchedule.class))
        .create();
  }

  BackupSchedule schedule() {
    return client.resources(BackupSchedule.class).inNamespace(NS).withName("hourly").get();
  }

  /**
   * Moves the clock and makes the operator look (an annotation change is an event; the schedule is
   * not generation-aware).
   */
  void moveTo(Instant t) {
    clock.set(t);
    merge("{\"metadata\":{\"annotations\":{\"test/now\":\"" + t + "\"}}}");
  }

  /** A merge patch without resourceVersion: the operator writes the status at the same time. */
  void merge(String patch) {
    client
        .resources(BackupSchedule.class)
        .inNamespace(NS)
        .withName("hourly")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            patch);
  }

  List<Backup> children() {
    return client
        .resources(Backup.class)
        .inNamespace(NS)
        .withLabel(ApiConstants.LABEL_BACKUP_SCHEDULE, "hourly")
        .list()
        .getItems()
        .stream()
        .filter(b -> b.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  void complete(String backup, Instant commit) {
    await().atMost(WAIT).until(() -> cluster.job(NS, "backup-" + backup) != null);
    AgentResult r = new AgentResult();
    r.success = true;
    r.commitTs = BigInteger.valueOf(commit.toEpochMilli()).shiftLeft(18).toString();
    cluster.jobFinished(
        NS, "backup-" + backup, "2024-01-01T00:00:00Z", "2024-01-01T00:00:05Z", r, 0);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Backup b = client.resources(Backup.class).inNamespace(NS).withName(backup).get();
              return b.getStatus() != null && ConditionTypes.COMPLETE.equals(b.getStatus().phase);
            });
  }

  static String name(Instant fire) {
    return "hourly-" + ScheduleChildren.TS.format(fire);
  }

  @Test
  void firesCatchesUpOnceWaitsForTheRunningBackupAndKeepsMaxBackups() throws Exception {
    createSchedule("maxBackups: 1");
    Instant created = Instant.parse(schedule().getMetadata().getCreationTimestamp());
    Instant first = created.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    moveTo(first.minusSeconds(30));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> children().isEmpty());

    moveTo(first.plusSeconds(2));
    await().atMost(WAIT).until(() -> children().size() == 1);
    assertThat(children().get(0).getMetadata().getName()).isEqualTo(name(first));
    assertThat(schedule().getStatus().lastBackupTime)
        .isEqualTo(first.toString().replace(".000", ""));

    // two firings pass while the first backup still runs: nothing new
    moveTo(first.plus(Duration.ofHours(2)).plusSeconds(5));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> children().size() == 1);

    // it completes: one catch-up backup for the latest firing, not two
    complete(name(first), first);
    Instant third = first.plus(Duration.ofHours(2));
    await()
        .atMost(WAIT)
        .until(
            () -> children().stream().anyMatch(b -> b.getMetadata().getName().equals(name(third))));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(
            () ->
                children().stream()
                    .noneMatch(
                        b -> b.getMetadata().getName().equals(name(first.plusSeconds(3600)))));

    // the catch-up completes: maxBackups 1 removes the first
    complete(name(third), third);
    moveTo(third.plusSeconds(60));
    await()
        .atMost(WAIT)
        .until(
            () ->
                children().stream()
                    .map(b -> b.getMetadata().getName())
                    .toList()
                    .equals(List.of(name(third))));
  }

  @Test
  void pauseStopsNewBackups() throws Exception {
    createSchedule("pause: true");
    Instant created = Instant.parse(schedule().getMetadata().getCreationTimestamp());
    moveTo(created.plus(Duration.ofHours(3)));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> children().isEmpty());
    merge("{\"spec\":{\"pause\":false}}");
    await().atMost(WAIT).until(() -> children().size() == 1);
  }

  @Test
  void anInvalidScheduleSaysWhichFieldAndCreatesNothing() throws Exception {
    createSchedule("timeZone: Mars/Olympus");
    await()
        .atMost(WAIT)
        .until(
            () ->
                schedule().getStatus() != null
                    && Conditions.isTrue(
                        schedule().getStatus().conditions, ConditionTypes.INVALID));
    assertThat(Conditions.find(schedule().getStatus().conditions, ConditionTypes.INVALID).message)
        .startsWith("spec.timeZone \"Mars/Olympus\"");
    moveTo(clock.instant().plus(Duration.ofHours(2)));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> children().isEmpty());
  }
}
