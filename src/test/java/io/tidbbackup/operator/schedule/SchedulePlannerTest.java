package io.tidbbackup.operator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.BackupScheduleStatus;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.Serde;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schedule's decisions at chosen instants: firing, catch-up, no overlap, pause, retention, the
 * log backup.
 */
class SchedulePlannerTest {
  static final String CREATED = "2024-01-01T00:00:00Z";

  static BackupSchedule schedule(String extraSpec) throws Exception {
    BackupSchedule bs =
        Serde.YAML.readValue(
            """
        apiVersion: pingcap.com/v1alpha1
        kind: BackupSchedule
        metadata: {name: nightly, namespace: tidb, uid: u-1, creationTimestamp: "%s"}
        spec:
          schedule: "0 2 * * *"
          backupTemplate:
            cleanPolicy: Delete
            br: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: sched, secretName: s}
        %s"""
                .formatted(CREATED, extraSpec.indent(2)),
            BackupSchedule.class);
    return bs;
  }

  static Instant at(String t) {
    return Instant.parse(t);
  }

  static String tso(String time) {
    return BigInteger.valueOf(Instant.parse(time).toEpochMilli()).shiftLeft(18).toString();
  }

  static Backup child(String name, String created, String phase, String commitTime, boolean log) {
    Backup b = new Backup();
    b.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("tidb")
            .withCreationTimestamp(created)
            .addToLabels(ApiConstants.LABEL_BACKUP_SCHEDULE, "nightly")
            .build());
    b.setSpec(new io.tidbbackup.api.BackupSpec());
    if (log) {
      b.getSpec().backupMode = io.tidbbackup.api.BackupMode.LOG;
    }
    if (phase != null) {
      b.setStatus(new BackupStatus());
      b.getStatus().phase = phase;
      b.getStatus().commitTs = commitTime == null ? null : tso(commitTime);
    }
    return b;
  }

  @Test
  void waitsForTheFirstFiringThenCreatesOneBackupNamedAndPrefixedAsUpstream() throws Exception {
    BackupSchedule bs = schedule("");
    SchedulePlanner.Plan before = SchedulePlanner.plan(bs, List.of(), at("2024-01-01T01:00:00Z"));
    assertThat(before.create()).isNull();
    assertThat(before.wakeAt()).isEqualTo(at("2024-01-01T02:00:00Z"));

    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, List.of(), at("2024-01-01T02:00:03Z"));
    Backup b = p.create();
    assertThat(b.getMetadata().getName()).isEqualTo("nightly-2024-01-01t02-00-00");
    assertThat(b.getSpec().s3.prefix).isEqualTo("sched/basic-pd.tidb-2379-2024-01-01t02-00-00");
    assertThat(b.getMetadata().getLabels())
        .containsEntry(ApiConstants.LABEL_BACKUP_SCHEDULE, "nightly");
    assertThat(b.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("BackupSchedule"));
    assertThat(p.status().lastBackup).isEqualTo("nightly-2024-01-01t02-00-00");
    assertThat(p.status().lastBackupTime).isEqualTo("2024-01-01T02:00:00Z");
    assertThat(p.wakeAt()).isEqualTo(at("2024-01-02T02:00:00Z"));
  }

  @Test
  void daysOfDowntimeGiveOneCatchUpBackupNotABurst() throws Exception {
    BackupSchedule bs = schedule("");
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().lastBackupTime = "2024-01-01T02:00:00Z";
    List<Backup> children =
        List.of(
            child(
                "nightly-2024-01-01t02-00-00",
                "2024-01-01T02:00:01Z",
                "Complete",
                "2024-01-01T02:00:00Z",
                false));
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, children, at("2024-01-05T09:00:00Z"));
    assertThat(p.create().getMetadata().getName()).isEqualTo("nightly-2024-01-05t02-00-00");
    assertThat(p.wakeAt()).isEqualTo(at("2024-01-06T02:00:00Z"));
    bs.setStatus(p.status());
    List<Backup> after = new ArrayList<>(children);
    after.add(
        child(
            "nightly-2024-01-05t02-00-00",
            "2024-01-05T09:00:01Z",
            "Complete",
            "2024-01-05T09:00:00Z",
            false));
    assertThat(SchedulePlanner.plan(bs, after, at("2024-01-05T09:00:05Z")).create()).isNull();
  }

  @Test
  void noBackupStartsWhileThePreviousOneRuns() throws Exception {
    BackupSchedule bs = schedule("");
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().lastBackupTime = "2024-01-01T02:00:00Z";
    List<Backup> children =
        List.of(
            child("nightly-2024-01-01t02-00-00", "2024-01-01T02:00:01Z", "Running", null, false));
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, children, at("2024-01-02T02:00:00Z"));
    assertThat(p.create()).isNull();
    assertThat(p.waiting()).contains("nightly-2024-01-01t02-00-00 is still running");
    assertThat(p.status().lastBackupTime).isEqualTo("2024-01-01T02:00:00Z");
  }

  @Test
  void pauseStopsNewBackupsButNotRetention() throws Exception {
    BackupSchedule bs = schedule("pause: true\nmaxBackups: 1");
    List<Backup> children =
        List.of(
            child("nightly-a", "2024-01-01T02:00:00Z", "Complete", "2024-01-01T02:00:00Z", false),
            child("nightly-b", "2024-01-02T02:00:00Z", "Complete", "2024-01-02T02:00:00Z", false));
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, children, at("2024-01-03T03:00:00Z"));
    assertThat(p.create()).isNull();
    assertThat(p.waiting()).isEqualTo("paused");
    assertThat(p.delete()).extracting(b -> b.getMetadata().getName()).containsExactly("nightly-a");
  }

  @Test
  void maxBackupsCountsOnlySnapshotsAndKeepsTheNewestCompleteEvenIfOlder() throws Exception {
    BackupSchedule bs =
        schedule(
            "maxBackups: 2\nlogBackupTemplate:\n  br: {cluster: basic}\n"
                + "  s3: {provider: aws, bucket: b, prefix: sched}");
    List<Backup> children =
        List.of(
            child("log-nightly", "2023-12-01T00:00:00Z", "Running", null, true),
            child("nightly-1", "2024-01-01T02:00:00Z", "Complete", "2024-01-01T02:00:00Z", false),
            child("nightly-2", "2024-01-02T02:00:00Z", "Failed", null, false),
            child("nightly-3", "2024-01-03T02:00:00Z", "Failed", null, false),
            child("nightly-4", "2024-01-04T02:00:00Z", "Failed", null, false));
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z"));
    // the newest two are the failed 4 and 3; 2 goes; 1 is the last good backup and stays; the log
    // backup never counts
    assertThat(p.delete()).extracting(b -> b.getMetadata().getName()).containsExactly("nightly-2");
  }

  @Test
  void maxReservedTimeExpiresByCommitTsAndNeverTheLastGoodOne() throws Exception {
    BackupSchedule bs = schedule("maxReservedTime: 48h\nmaxBackups: 1");
    List<Backup> children =
        List.of(
            child("nightly-1", "2024-01-01T02:00:00Z", "Complete", "2024-01-01T02:00:00Z", false),
            child("nightly-2", "2024-01-02T02:00:00Z", "Complete", "2024-01-02T02:00:00Z", false),
            child("nightly-3", "2024-01-03T02:00:00Z", "Complete", "2024-01-03T02:00:00Z", false),
            child("nightly-4", "2024-01-04T02:00:00Z", "Running", null, false));
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z"));
    // cutoff 2024-01-02T03:00: 1 and 2 are expired; maxReservedTime wins over maxBackups; 4 still
    // runs
    assertThat(p.delete())
        .extracting(b -> b.getMetadata().getName())
        .containsExactly("nightly-2", "nightly-1");
    // everything expired: the newest Complete one still stays
    SchedulePlanner.Plan late = SchedulePlanner.plan(bs, children, at("2024-02-01T00:00:00Z"));
    assertThat(late.delete())
        .extracting(b -> b.getMetadata().getName())
        .containsExactly("nightly-2", "nightly-1");
  }

  @Test
  void withALogBackupTheNewestExpiredSnapshotIsKeptAsThePitrBaseAndTheLogIsTruncatedToIt()
      throws Exception {
    BackupSchedule bs =
        schedule(
            "maxReservedTime: 48h\nlogBackupTemplate:\n  br: {cluster: basic}\n"
                + "  s3: {provider: aws, bucket: b, prefix: sched}");
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().logBackup = "log-nightly";
    List<Backup> children =
        List.of(
            logChild("2023-12-01T00:00:00Z", "2024-01-04T02:59:00Z"),
            child("nightly-1", "2024-01-01T02:00:00Z", "Complete", "2024-01-01T02:00:00Z", false),
            child("nightly-2", "2024-01-02T02:00:00Z", "Complete", "2024-01-02T02:00:00Z", false),
            child("nightly-3", "2024-01-03T02:00:00Z", "Complete", "2024-01-03T02:00:00Z", false));
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z"));
    assertThat(p.delete()).extracting(b -> b.getMetadata().getName()).containsExactly("nightly-1");
    assertThat(p.truncateLogTo()).isEqualTo(tso("2024-01-02T02:00:00Z"));
    assertThat(p.createLog()).isNull();

    // the checkpoint not known (PD unreadable): the window ends at the newest backup instead, so
    // less expires (TiDB Operator collects nothing then), and the log is never truncated
    children.get(0).getStatus().logCheckpointTs = null;
    SchedulePlanner.Plan blind = SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z"));
    assertThat(blind.delete()).isEmpty();
    assertThat(blind.truncateLogTo()).isNull();
  }

  /** The schedule's log backup, started at {@code start}, its checkpoint at {@code checkpoint}. */
  static Backup logChild(String start, String checkpoint) {
    Backup log = child("log-nightly", start, "Running", start, true);
    log.getStatus().logCheckpointTs = checkpoint == null ? null : tso(checkpoint);
    return log;
  }

  @Test
  void withALogBackupTheWindowEndsAtItsCheckpointSoAStalledLogKeepsTheSnapshotsItNeeds()
      throws Exception {
    BackupSchedule bs =
        schedule(
            "maxReservedTime: 48h\nlogBackupTemplate:\n  br: {cluster: basic}\n"
                + "  s3: {provider: aws, bucket: b, prefix: sched}");
    List<Backup> children =
        List.of(
            // the log backup stalled on 2024-01-02 (its task paused by an error, say)
            logChild("2023-12-01T00:00:00Z", "2024-01-02T03:00:00Z"),
            child("nightly-1", "2024-01-01T02:00:00Z", "Complete", "2024-01-01T02:00:00Z", false),
            child("nightly-2", "2024-01-02T02:00:00Z", "Complete", "2024-01-02T02:00:00Z", false),
            child("nightly-3", "2024-01-03T02:00:00Z", "Complete", "2024-01-03T02:00:00Z", false));
    // a week later: measured from now every snapshot but the newest would go; measured from the
    // newest point the backups reach (nightly-3, after the checkpoint) the window starts
    // 2024-01-01T02:00, so nothing has expired and the log keeps its base
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, children, at("2024-01-10T00:00:00Z"));
    assertThat(p.delete()).isEmpty();
    assertThat(p.truncateLogTo()).isNull();
  }

  @Test
  void maxBackupsAloneTruncatesTheLogToTheOldestCompleteBackupKeptNeverPastTheCheckpoint()
      throws Exception {
    BackupSchedule bs =
        schedule(
            "maxBackups: 2\nlogBackupTemplate:\n  br: {cluster: basic}\n"
                + "  s3: {provider: aws, bucket: b, prefix: sched}");
    List<Backup> children =
        List.of(
            logChild("2024-01-01T00:00:00Z", "2024-01-04T02:30:00Z"),
            child("nightly-1", "2024-01-01T02:00:00Z", "Complete", "2024-01-01T02:00:00Z", false),
            child("nightly-2", "2024-01-02T02:00:00Z", "Complete", "2024-01-02T02:00:00Z", false),
            child("nightly-3", "2024-01-03T02:00:00Z", "Complete", "2024-01-03T02:00:00Z", false),
            child("nightly-4", "2024-01-04T02:00:00Z", "Complete", "2024-01-04T02:00:00Z", false));
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z"));
    assertThat(p.delete())
        .extracting(b -> b.getMetadata().getName())
        .containsExactly("nightly-2", "nightly-1");
    // TiDB Operator truncates nothing here (#6068): its logs before nightly-3 serve no restore
    assertThat(p.truncateLogTo()).isEqualTo(tso("2024-01-03T02:00:00Z"));

    // already truncated that far: nothing to do
    children.get(0).getSpec().logTruncateUntil = tso("2024-01-03T02:00:00Z");
    assertThat(SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z")).truncateLogTo())
        .isNull();
    children.get(0).getSpec().logTruncateUntil = null;

    // the checkpoint behind the oldest backup kept: the log holds nothing after it to cut to
    children.get(0).getStatus().logCheckpointTs = tso("2024-01-03T01:00:00Z");
    assertThat(SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z")).truncateLogTo())
        .isNull();
  }

  @Test
  void aCompactingScheduleNeverTruncatesPastWhatWasCompacted() throws Exception {
    BackupSchedule bs =
        schedule(
            """
        maxBackups: 2
        compactInterval: 6h
        compactBackupTemplate: {concurrency: 8}
        logBackupTemplate:
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: sched}""");
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().lastCompactExecutionTs = "2024-01-04T02:50:00Z";
    List<Backup> children =
        List.of(
            logChild("2024-01-01T00:00:00Z", "2024-01-04T02:30:00Z"),
            child("nightly-1", "2024-01-01T02:00:00Z", "Complete", "2024-01-01T02:00:00Z", false),
            child("nightly-2", "2024-01-02T02:00:00Z", "Complete", "2024-01-02T02:00:00Z", false),
            child("nightly-3", "2024-01-03T02:00:00Z", "Complete", "2024-01-03T02:00:00Z", false));
    // nothing compacted yet: nothing truncated
    assertThat(SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z")).truncateLogTo())
        .isNull();
    // compacted up to before the oldest backup kept (nightly-2): truncated only that far
    bs.getStatus().lastCompactProgress = tso("2024-01-02T01:00:00Z");
    assertThat(SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z")).truncateLogTo())
        .isEqualTo(tso("2024-01-02T01:00:00Z"));
    bs.getStatus().lastCompactProgress = tso("2024-01-03T12:00:00Z");
    assertThat(SchedulePlanner.plan(bs, children, at("2024-01-04T03:00:00Z")).truncateLogTo())
        .isEqualTo(tso("2024-01-02T02:00:00Z"));
  }

  @Test
  void childrenCarryUpstreamsLabelsAndTheSchedulesOwn() throws Exception {
    BackupSchedule bs =
        schedule(
            "logBackupTemplate:\n  br: {cluster: basic}\n  s3: {provider: aws, bucket: b, "
                + "prefix: sched, secretName: s}");
    bs.getMetadata()
        .setLabels(
            java.util.Map.of(
                "backup-controller",
                "tidb-backup-operator",
                ApiConstants.LABEL_BACKUP_SCHEDULE,
                "someone-else"));
    Backup log = SchedulePlanner.plan(bs, List.of(), at("2024-01-01T01:00:00Z")).createLog();
    Backup snap = SchedulePlanner.plan(bs, List.of(), at("2024-01-01T02:00:00Z")).create();
    for (Backup child : List.of(log, snap)) {
      // TiDB Operator's buildBackup (release-1.6): its label set combined with the schedule's
      assertThat(child.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/name", "backup-schedule")
          .containsEntry("app.kubernetes.io/managed-by", "backup-schedule-operator")
          .containsEntry("app.kubernetes.io/instance", "nightly")
          .containsEntry("backup-controller", "tidb-backup-operator")
          // the schedule label always names the schedule: retention finds its children by it
          .containsEntry(ApiConstants.LABEL_BACKUP_SCHEDULE, "nightly");
    }
  }

  @Test
  void theLogBackupIsCreatedOnceWithItsOwnPrefix() throws Exception {
    BackupSchedule bs =
        schedule(
            "logBackupTemplate:\n  br: {cluster: basic}\n  s3: {provider: aws, bucket: b, "
                + "prefix: sched, secretName: s}");
    SchedulePlanner.Plan p = SchedulePlanner.plan(bs, List.of(), at("2024-01-01T01:00:00Z"));
    assertThat(p.createLog().getMetadata().getName()).isEqualTo("log-nightly");
    assertThat(p.createLog().getSpec().backupMode).isEqualTo(io.tidbbackup.api.BackupMode.LOG);
    assertThat(p.createLog().getSpec().s3.prefix).isEqualTo("sched/log-2024-01-01t01-00-00");
    assertThat(p.status().logBackup).isEqualTo("log-nightly");
    bs.setStatus(p.status());
    assertThat(SchedulePlanner.plan(bs, List.of(), at("2024-01-01T01:00:05Z")).createLog())
        .isNull();
  }

  @Test
  void problemsNameTheField() throws Exception {
    assertThat(SchedulePlanner.problems(schedule("").getSpec())).isEmpty();
    BackupSchedule bad = schedule("timeZone: Mars/Olympus\nmaxReservedTime: 2d");
    bad.getSpec().schedule = "0 0 * *";
    bad.getSpec().backupTemplate.s3.bucket = null;
    assertThat(SchedulePlanner.problems(bad.getSpec()))
        .containsExactly(
            "spec.schedule \"0 0 * *\": expected 5 fields (minute hour day-of-month month day-of-week), found 4",
            "spec.timeZone \"Mars/Olympus\" is not a time zone like UTC or Asia/Shanghai",
            "spec.maxReservedTime \"2d\" is not a duration like 72h",
            "spec.backupTemplate.s3.bucket is required");
  }

  static io.tidbbackup.api.CompactBackup compact(
      String name, String created, String state, String endTs) {
    io.tidbbackup.api.CompactBackup c = new io.tidbbackup.api.CompactBackup();
    c.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("tidb")
            .withCreationTimestamp(created)
            .build());
    c.setSpec(new io.tidbbackup.api.CompactSpec());
    c.getSpec().endTs = endTs;
    if (state != null) {
      c.setStatus(new io.tidbbackup.api.CompactStatus());
      c.getStatus().state = state;
    }
    return c;
  }

  @Test
  void compactionsFollowTheIntervalAndStartWhereTheLastCompletedOneEnded() throws Exception {
    BackupSchedule bs =
        schedule(
            """
        compactInterval: 6h
        compactBackupTemplate: {concurrency: 8}
        logBackupTemplate:
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: sched, secretName: s}""");
    assertThat(SchedulePlanner.problems(bs.getSpec())).isEmpty();
    Backup log = logChild("2024-01-01T00:00:00Z", null);
    log.getSpec().s3 = new io.tidbbackup.api.S3StorageProvider();
    log.getSpec().s3.bucket = "b";
    log.getSpec().s3.prefix = "sched/log-2024-01-01t00-00-00";
    bs.setStatus(new BackupScheduleStatus());
    bs.getStatus().logBackup = "log-nightly";

    // no checkpoint yet: nothing is compacted (its end would be a guess)
    assertThat(
            SchedulePlanner.plan(bs, List.of(log), List.of(), at("2024-01-01T07:00:00Z"))
                .createCompact())
        .isNull();
    // the log has not run for one interval
    log.getStatus().logCheckpointTs = tso("2024-01-01T00:59:00Z");
    assertThat(
            SchedulePlanner.plan(bs, List.of(log), List.of(), at("2024-01-01T01:00:00Z"))
                .createCompact())
        .isNull();

    log.getStatus().logCheckpointTs = tso("2024-01-01T06:58:00Z");
    SchedulePlanner.Plan first =
        SchedulePlanner.plan(bs, List.of(log), List.of(), at("2024-01-01T07:00:00Z"));
    io.tidbbackup.api.CompactBackup c = first.createCompact();
    assertThat(c.getMetadata().getName()).isEqualTo("compact-nightly-2024-01-01t07-00-00");
    assertThat(c.getSpec().startTs).isEqualTo(tso("2024-01-01T00:00:00Z"));
    // up to the checkpoint, never to now: the logs after it are not all written yet
    assertThat(c.getSpec().endTs).isEqualTo(tso("2024-01-01T06:58:00Z"));
    assertThat(c.getSpec().concurrency).isEqualTo(8);
    assertThat(c.getSpec().s3.prefix).isEqualTo("sched/log-2024-01-01t00-00-00");
    bs.setStatus(first.status());

    var running =
        List.of(
            compact(
                c.getMetadata().getName(), "2024-01-01T07:00:00Z", "Running", c.getSpec().endTs));
    log.getStatus().logCheckpointTs = tso("2024-01-01T13:58:00Z");
    assertThat(
            SchedulePlanner.plan(bs, List.of(log), running, at("2024-01-01T14:00:00Z"))
                .createCompact())
        .isNull();
    var done =
        List.of(
            compact(
                c.getMetadata().getName(), "2024-01-01T07:00:00Z", "Complete", c.getSpec().endTs));
    assertThat(
            SchedulePlanner.plan(bs, List.of(log), done, at("2024-01-01T12:59:00Z"))
                .createCompact())
        .isNull();
    io.tidbbackup.api.CompactBackup next =
        SchedulePlanner.plan(bs, List.of(log), done, at("2024-01-01T14:00:00Z")).createCompact();
    assertThat(next.getSpec().startTs).isEqualTo(tso("2024-01-01T06:58:00Z"));
    assertThat(next.getSpec().endTs).isEqualTo(tso("2024-01-01T13:58:00Z"));

    // far behind the checkpoint: three intervals at a time (TiDB Operator's calEndTs)
    log.getStatus().logCheckpointTs = tso("2024-01-05T00:00:00Z");
    io.tidbbackup.api.CompactBackup catchUp =
        SchedulePlanner.plan(bs, List.of(log), done, at("2024-01-05T00:00:00Z")).createCompact();
    assertThat(catchUp.getSpec().startTs).isEqualTo(tso("2024-01-01T06:58:00Z"));
    assertThat(catchUp.getSpec().endTs).isEqualTo(tso("2024-01-02T00:58:00Z"));

    BackupSchedule noLog = schedule("compactInterval: 6h\ncompactBackupTemplate: {concurrency: 8}");
    assertThat(SchedulePlanner.problems(noLog.getSpec()))
        .contains(
            "spec.compactBackupTemplate needs spec.logBackupTemplate: it compacts the log backup's data");
  }
}
