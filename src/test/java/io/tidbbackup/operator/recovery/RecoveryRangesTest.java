package io.tidbbackup.operator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.RecoveryWindow;
import io.tidbbackup.api.Serde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The window and the choice for a target, from Backups as the API server holds them: snapshots
 * Complete or not, a log backup with its start, truncation point and checkpoint, and every gap
 * said.
 */
class RecoveryRangesTest {
  static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");

  static long ts(int hour) {
    return Tso.of(DAY.plusSeconds(hour * 3600L));
  }

  static Backup snapshot(String name, String phase, Integer hour) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: %s, namespace: tidb}
        spec:
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: %s}
        status: {phase: %s%s}
        """
            .formatted(name, name, phase, hour == null ? "" : ", commitTs: '" + ts(hour) + "'"),
        Backup.class);
  }

  static Backup log(String phase, int start, Integer truncated, Integer checkpoint, String ckpt)
      throws Exception {
    Backup b =
        Serde.YAML.readValue(
            """
            apiVersion: pingcap.com/v1alpha1
            kind: Backup
            metadata: {name: log, namespace: tidb}
            spec:
              backupMode: log
              br: {cluster: basic}
              s3: {provider: aws, bucket: b, prefix: log}
            status: {phase: %s, commitTs: '%d'}
            """
                .formatted(phase, ts(start)),
            Backup.class);
    b.getStatus().logSuccessTruncateUntil = truncated == null ? null : Long.toString(ts(truncated));
    b.getStatus().logCheckpointTs = checkpoint == null ? null : Long.toString(ts(checkpoint));
    if (ckpt != null) {
      b.getStatus().conditions =
          List.of(
              new io.tidbbackup.api.BackupCondition(
                  "LogCheckpoint", "False", "LogTaskPausedByError", ckpt));
    }
    return b;
  }

  static List<Restorable> facts(Backup... backups) {
    List<Restorable> out = new ArrayList<>();
    for (Backup b : backups) {
      out.add(Restorable.of(b));
    }
    return out;
  }

  static List<String> reasons(RecoveryWindow w) {
    return w.gaps == null ? List.of() : w.gaps.stream().map(g -> g.reason).toList();
  }

  @Test
  void aLogBackupCarriesItsFirstSnapshotToItsCheckpointAndEachTargetReadsTheNewestSnapshotBeforeIt()
      throws Exception {
    List<Restorable> all =
        facts(
            snapshot("s0", "Complete", 0),
            snapshot("s6", "Complete", 6),
            snapshot("s12", "Failed", 12),
            snapshot("s18", "Complete", 18),
            log("Running", 1, null, 20, null));
    RecoveryWindow w = WindowReport.of(all, null);
    assertThat(w.earliestTs).isEqualTo(Long.toString(ts(0)));
    assertThat(w.earliestSnapshot).isEqualTo("s0");
    assertThat(w.latestTs).isEqualTo(Long.toString(ts(20)));
    assertThat(w.latestTime).isEqualTo("2024-05-01T20:00:00Z");
    assertThat(w.latestSnapshot).isEqualTo("s18");
    assertThat(w.latestLogBackup).isEqualTo("log");
    // s0 is before the log's start: its own point only; the log carries s6 on
    assertThat(w.ranges)
        .extracting(r -> r.snapshot + ":" + r.fromTime + ".." + r.toTime + ":" + r.logBackup)
        .containsExactly(
            "s0:2024-05-01T00:00:00Z..2024-05-01T00:00:00Z:null",
            "s6:2024-05-01T06:00:00Z..2024-05-01T20:00:00Z:log");
    assertThat(reasons(w)).containsExactly("Discontinuous");

    // 13:00 reads s6 (s12 failed), 19:00 reads s18, and the snapshot's own point reads it alone
    assertThat(RecoveryRanges.choose(all, ts(13)).orElseThrow().snapshot().name()).isEqualTo("s6");
    var at19 = RecoveryRanges.choose(all, ts(19)).orElseThrow();
    assertThat(at19.snapshot().name()).isEqualTo("s18");
    assertThat(at19.log().name()).isEqualTo("log");
    var at0 = RecoveryRanges.choose(all, ts(0)).orElseThrow();
    assertThat(at0.snapshot().name()).isEqualTo("s0");
    assertThat(at0.log()).isNull();
    // before everything, between s0 and the log's first snapshot, after the checkpoint: nothing
    assertThat(RecoveryRanges.choose(all, ts(0) - 1)).isEmpty();
    assertThat(RecoveryRanges.choose(all, ts(3))).isEmpty();
    assertThat(RecoveryRanges.choose(all, ts(21))).isEmpty();
    // no target: the latest point
    assertThat(RecoveryRanges.choose(all, null).orElseThrow().target()).isEqualTo(ts(20));
  }

  @Test
  void aTruncatedLogLeavesOlderSnapshotsTheirOwnPointsAndSaysSo() throws Exception {
    RecoveryWindow w =
        WindowReport.of(
            facts(
                snapshot("s2", "Complete", 2),
                snapshot("s8", "Complete", 8),
                log("Running", 1, 6, 10, null)),
            ts(9));
    assertThat(w.ranges)
        .extracting(r -> r.snapshot + ":" + r.logBackup)
        .containsExactly("s2:null", "s8:log");
    assertThat(w.compactedUntilTs).isEqualTo(Long.toString(ts(9)));
    assertThat(w.gaps)
        .anySatisfy(
            g -> {
              assertThat(g.reason).isEqualTo("LogTruncated");
              assertThat(g.message).contains("s2 restore only to their own points");
            });
  }

  @Test
  void aStoppedOrUnwellLogAndMissingSnapshotsAreSaidNeverPaperedOver() throws Exception {
    RecoveryWindow stopped =
        WindowReport.of(
            facts(snapshot("s2", "Complete", 2), log("Stopped", 1, null, 4, null)), null);
    assertThat(reasons(stopped)).containsExactly("LogBackupStopped");
    assertThat(stopped.gaps.get(0).message).contains("log data ends at 2024-05-01T04:00:00Z");

    RecoveryWindow paused =
        WindowReport.of(
            facts(snapshot("s2", "Complete", 2), log("Running", 1, null, 4, "failed to write")),
            null);
    assertThat(reasons(paused)).containsExactly("LogCheckpointNotAdvancing");
    assertThat(paused.gaps.get(0).message).contains("failed to write");

    // the log runs but has no snapshot after its start: its data cannot be used
    RecoveryWindow unbased =
        WindowReport.of(
            facts(snapshot("s0", "Complete", 0), log("Running", 1, null, 4, null)), null);
    assertThat(reasons(unbased)).containsExactly("NoSnapshotInLog");
    assertThat(unbased.latestTs).isEqualTo(Long.toString(ts(0)));

    RecoveryWindow nothing = WindowReport.of(facts(log("Running", 1, null, null, null)), null);
    assertThat(reasons(nothing)).containsExactly("NoCompleteSnapshot", "LogCheckpointUnknown");
    assertThat(nothing.earliestTs).isNull();
    assertThat(nothing.latestTs).isNull();

    RecoveryWindow noLog =
        WindowReport.of(facts(snapshot("a", "Complete", 1), snapshot("b", "Complete", 2)), null);
    assertThat(reasons(noLog)).containsExactly("NoLogBackup");
    assertThat(RecoveryRanges.choose(facts(snapshot("a", "Complete", 1)), ts(1) + 5)).isEmpty();
  }

  @Test
  void theWindowInWordsNamesEveryRange() throws Exception {
    List<Restorable> all =
        facts(
            snapshot("s0", "Complete", 0),
            snapshot("s6", "Complete", 6),
            log("Running", 5, null, 9, null));
    assertThat(RecoveryRanges.describe(RecoveryRanges.ranges(all)))
        .isEqualTo(
            "2024-05-01T00:00:00Z only (snapshot s0); 2024-05-01T06:00:00Z to 2024-05-01T09:00:00Z"
                + " (snapshot s6, log backup log)");
    assertThat(RecoveryRanges.describe(List.of())).startsWith("nothing");
  }
}
