package io.tidbbackup.operator.recovery;

import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.RecoveryWindow;
import io.tidbbackup.api.RecoveryWindow.RecoveryGap;
import io.tidbbackup.api.RecoveryWindow.RestorableRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Pure: the recovery window as a status says it ({@link RecoveryWindow}): the earliest and latest
 * restorable points with the snapshot each restores from, the ranges, and every gap said as it is
 * (a log backup failed, stopped, paused or without a checkpoint, log data truncated under older
 * snapshots, log data with no snapshot to start from, no log backup at all, no snapshot at all).
 */
public final class WindowReport {
  /** At most this many ranges are listed (the newest); the earliest and latest are always said. */
  static final int MAX_RANGES = 20;

  static final Set<String> ENDED =
      Set.of(
          ConditionTypes.FAILED,
          ConditionTypes.STOPPED,
          ConditionTypes.PAUSED,
          ConditionTypes.COMPLETE);

  private WindowReport() {}

  /**
   * @param all the Backups' facts (snapshots and log backups)
   * @param compactedUntil where the newest Complete compaction of the log ends, or null
   */
  public static RecoveryWindow of(List<Restorable> all, Long compactedUntil) {
    RecoveryWindow w = new RecoveryWindow();
    List<RecoveryRanges.Range> ranges = RecoveryRanges.ranges(all);
    if (!ranges.isEmpty()) {
      RecoveryRanges.Range first = ranges.get(0);
      w.earliestTs = Long.toString(first.from());
      w.earliestTime = Tso.time(first.from());
      w.earliestSnapshot = first.snapshot().name();
      long latest = ranges.stream().mapToLong(RecoveryRanges.Range::to).max().getAsLong();
      RecoveryRanges.choose(all, latest)
          .ifPresent(
              c -> {
                w.latestTs = Long.toString(c.target());
                w.latestTime = Tso.time(c.target());
                w.latestSnapshot = c.snapshot().name();
                w.latestLogBackup = c.log() == null ? null : c.log().name();
              });
      List<RestorableRange> listed = new ArrayList<>();
      for (RecoveryRanges.Range r :
          ranges.subList(Math.max(0, ranges.size() - MAX_RANGES), ranges.size())) {
        RestorableRange rr = new RestorableRange();
        rr.fromTs = Long.toString(r.from());
        rr.fromTime = Tso.time(r.from());
        rr.toTs = Long.toString(r.to());
        rr.toTime = Tso.time(r.to());
        rr.snapshot = r.snapshot().name();
        rr.logBackup = r.log() == null ? null : r.log().name();
        listed.add(rr);
      }
      w.ranges = listed;
    }
    if (compactedUntil != null) {
      w.compactedUntilTs = Long.toString(compactedUntil);
    }
    List<RecoveryGap> gaps = gaps(all, ranges);
    w.gaps = gaps.isEmpty() ? null : gaps;
    return w;
  }

  static List<RecoveryGap> gaps(List<Restorable> all, List<RecoveryRanges.Range> ranges) {
    List<RecoveryGap> gaps = new ArrayList<>();
    List<Restorable> snaps = RecoveryRanges.snapshots(all);
    if (snaps.isEmpty()) {
      gaps.add(
          new RecoveryGap(
              "NoCompleteSnapshot",
              "no Complete BR snapshot backup: nothing can be restored (log data needs a snapshot to"
                  + " start from)"));
    }
    List<Restorable> logs = all.stream().filter(Restorable::log).toList();
    if (logs.isEmpty() && snaps.size() > 1) {
      gaps.add(
          new RecoveryGap(
              "NoLogBackup",
              "no log backup: only the "
                  + snaps.size()
                  + " snapshots' own points can be restored, not the times between them"));
    }
    for (Restorable log : logs) {
      logGaps(log, snaps, gaps);
    }
    for (int i = 1; i < ranges.size(); i++) {
      RecoveryRanges.Range a = ranges.get(i - 1);
      RecoveryRanges.Range b = ranges.get(i);
      if ((a.log() != null || b.log() != null) && b.from() > a.to()) {
        gaps.add(
            new RecoveryGap(
                "Discontinuous",
                "nothing can be restored after "
                    + Tso.time(a.to())
                    + " and before "
                    + Tso.time(b.from())
                    + " (snapshot "
                    + b.snapshot().name()
                    + ")"));
      }
    }
    return gaps;
  }

  private static void logGaps(Restorable log, List<Restorable> snaps, List<RecoveryGap> gaps) {
    String name = "log backup " + log.name();
    if (log.commitTs() == null) {
      if (ConditionTypes.FAILED.equals(log.phase())) {
        gaps.add(new RecoveryGap("LogBackupFailed", name + " failed before it started"));
      } else {
        gaps.add(new RecoveryGap("LogBackupNotStarted", name + " has not started yet"));
      }
      return;
    }
    if (log.checkpoint() == null) {
      gaps.add(
          new RecoveryGap(
              "LogCheckpointUnknown",
              name + " has no checkpoint yet: no point after its snapshots can be restored by it"));
      return;
    }
    long from = log.logFrom();
    if (ENDED.contains(log.phase())) {
      gaps.add(
          new RecoveryGap(
              "LogBackup" + log.phase(),
              name
                  + " is "
                  + log.phase()
                  + ": its log data ends at "
                  + Tso.time(log.checkpoint())
                  + "; later points are only the snapshots' own"));
    } else if (log.checkpointProblem() != null) {
      gaps.add(
          new RecoveryGap(
              "LogCheckpointNotAdvancing",
              name
                  + "'s checkpoint is not advancing ("
                  + log.checkpointProblem()
                  + "): its log data ends at "
                  + Tso.time(log.checkpoint())));
    }
    if (log.truncatedUntil() != null && log.truncatedUntil() > log.commitTs()) {
      List<String> cut =
          snaps.stream()
              .filter(s -> s.commitTs() >= log.commitTs() && s.commitTs() < from)
              .map(Restorable::name)
              .toList();
      if (!cut.isEmpty()) {
        gaps.add(
            new RecoveryGap(
                "LogTruncated",
                name
                    + "'s log data before "
                    + Tso.time(from)
                    + " was truncated: "
                    + String.join(", ", cut)
                    + " restore only to their own points"));
      }
    }
    boolean based =
        snaps.stream().anyMatch(s -> s.commitTs() >= from && s.commitTs() <= log.checkpoint());
    if (!based) {
      gaps.add(
          new RecoveryGap(
              "NoSnapshotInLog",
              "no Complete snapshot between "
                  + Tso.time(from)
                  + " and "
                  + Tso.time(log.checkpoint())
                  + ": "
                  + name
                  + "'s log data cannot be restored until a snapshot is taken after its start"));
    }
  }
}
