package io.tidbbackup.operator.recovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Pure: the points a set of BR Backups (one schedule's, or one cluster's) can restore to, and the
 * snapshot and log backup a restore to one of them reads. As BR's point-in-time restore: a restore
 * to {@code t} restores a Complete snapshot taken at {@code s <= t} and replays a log backup whose
 * log data covers {@code [s, t]} (from the later of its start and its truncation point, to its
 * checkpoint); a snapshot alone restores to its own point.
 */
public final class RecoveryRanges {
  /**
   * One continuous restorable range: from a snapshot's commitTs, by its log backup to that backup's
   * checkpoint ({@code log} null: the snapshot's own point, {@code from == to}).
   */
  public record Range(long from, long to, Restorable snapshot, Restorable log) {}

  /** What a restore to {@code target} reads ({@code log} null: the snapshot alone). */
  public record Choice(long target, Restorable snapshot, Restorable log) {}

  private RecoveryRanges() {}

  /** The Complete snapshots, oldest first. */
  public static List<Restorable> snapshots(List<Restorable> all) {
    return all.stream()
        .filter(Restorable::completeSnapshot)
        .sorted(Comparator.comparingLong(Restorable::commitTs))
        .toList();
  }

  /** The log backups with log data (a start and a checkpoint), by name. */
  public static List<Restorable> logs(List<Restorable> all) {
    return all.stream()
        .filter(r -> r.logFrom() != null)
        .sorted(Comparator.comparing(Restorable::name))
        .toList();
  }

  /**
   * The restorable ranges, by start: for each log backup, from the first Complete snapshot inside
   * its log data to its checkpoint; each Complete snapshot in no such range, its own point.
   */
  public static List<Range> ranges(List<Restorable> all) {
    List<Restorable> snaps = snapshots(all);
    List<Range> out = new ArrayList<>();
    List<Restorable> covered = new ArrayList<>();
    for (Restorable log : logs(all)) {
      long from = log.logFrom();
      long to = log.checkpoint();
      Restorable base =
          snaps.stream()
              .filter(s -> s.commitTs() >= from && s.commitTs() <= to)
              .findFirst()
              .orElse(null);
      if (base != null) {
        out.add(new Range(base.commitTs(), to, base, log));
        snaps.stream()
            .filter(s -> s.commitTs() >= base.commitTs() && s.commitTs() <= to)
            .forEach(covered::add);
      }
    }
    for (Restorable s : snaps) {
      if (!covered.contains(s)) {
        out.add(new Range(s.commitTs(), s.commitTs(), s, null));
      }
    }
    out.sort(Comparator.comparingLong(Range::from).thenComparingLong(Range::to));
    return out;
  }

  /** The latest restorable point, if any. */
  public static Optional<Long> latest(List<Restorable> all) {
    return ranges(all).stream().map(Range::to).max(Long::compare);
  }

  /**
   * What a restore to {@code target} reads (null target: the latest restorable point): the newest
   * Complete snapshot at or before it whose log backup covers it; the snapshot alone when the
   * target is its own point and no log covers it; empty when the target is outside every range.
   */
  public static Optional<Choice> choose(List<Restorable> all, Long target) {
    if (target == null) {
      Optional<Long> latest = latest(all);
      if (latest.isEmpty()) {
        return Optional.empty();
      }
      target = latest.get();
    }
    long t = target;
    List<Restorable> snaps = snapshots(all);
    Choice best = null;
    for (Restorable log : logs(all)) {
      if (t > log.checkpoint()) {
        continue;
      }
      long from = log.logFrom();
      Restorable s =
          snaps.stream()
              .filter(x -> x.commitTs() >= from && x.commitTs() <= t)
              .reduce((older, newer) -> newer)
              .orElse(null);
      if (s != null && (best == null || s.commitTs() > best.snapshot().commitTs())) {
        best = new Choice(t, s, log);
      }
    }
    if (best != null) {
      return Optional.of(best);
    }
    return snaps.stream()
        .filter(s -> s.commitTs() == t)
        .reduce((older, newer) -> newer)
        .map(s -> new Choice(t, s, null));
  }

  /**
   * The ranges in words, for a refusal and the status: {@code 2024-05-01T00:00:00Z to
   * 2024-05-02T06:00:00Z (snapshot a, log backup l)}, or {@code nothing (no Complete snapshot)}.
   */
  public static String describe(List<Range> ranges) {
    if (ranges.isEmpty()) {
      return "nothing (no Complete BR snapshot backup)";
    }
    List<String> parts = new ArrayList<>();
    for (Range r : ranges) {
      parts.add(
          r.log() == null
              ? Tso.time(r.from()) + " only (snapshot " + r.snapshot().name() + ")"
              : Tso.time(r.from())
                  + " to "
                  + Tso.time(r.to())
                  + " (snapshot "
                  + r.snapshot().name()
                  + ", log backup "
                  + r.log().name()
                  + ")");
    }
    int shown = Math.min(parts.size(), 6);
    String text = String.join("; ", parts.subList(parts.size() - shown, parts.size()));
    return parts.size() > shown
        ? text + "; and " + (parts.size() - shown) + " older snapshot points"
        : text;
  }
}
