package io.tidbbackup.operator.schedule;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Timestamps;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Pure retention of a schedule's snapshot backups, as TiDB Operator's backupGC
 * (pkg/backup/backupschedule/backup_schedule_manager.go, release-1.6) but without its losses:
 *
 * <ul>
 *   <li>only this schedule's snapshot backups count; the log backup CR is never a candidate
 *       (upstream #6320);
 *   <li>{@code maxReservedTime} (wins over maxBackups) expires a backup by its commitTs (else its
 *       creation time). Without a log backup the window ends now. With one it ends at the later of
 *       the log checkpoint and the newest Complete backup, as upstream: a log backup that stalled
 *       keeps the snapshots its logs still need. The newest expired Complete backup stays as the
 *       PiTR base;
 *   <li>{@code maxBackups} keeps the newest N; with a log backup, the log is truncated to the
 *       oldest Complete backup kept (upstream never truncates with maxBackups alone, #6068);
 *   <li>the log backup is truncated only to a point inside what it holds (after its start, at or
 *       before its checkpoint: never while the checkpoint is unknown) and, when the schedule
 *       compacts, not past what was compacted;
 *   <li>the newest Complete backup is never deleted, whatever the settings, nor is a backup still
 *       running; Failed and Invalid backups are removed like the others.
 * </ul>
 */
public final class Retention {
  static final Set<String> FINISHED =
      Set.of(ConditionTypes.COMPLETE, ConditionTypes.FAILED, ConditionTypes.INVALID);

  /** What to delete, and the commitTs the log backup should be truncated to (null: leave it). */
  public record Decision(List<Backup> delete, String truncateLogTo) {}

  private Retention() {}

  /**
   * @param compactedUntil when the schedule compacts its log backup, the TSO up to which the log is
   *     compacted (null: nothing yet, so no truncation); ignored when {@code compacting} is false
   */
  public static Decision decide(
      List<Backup> children,
      Integer maxBackups,
      Duration maxReservedTime,
      Backup log,
      boolean compacting,
      String compactedUntil,
      Instant now) {
    List<Backup> snapshots =
        new ArrayList<>(
            children.stream()
                .filter(b -> b.getMetadata().getDeletionTimestamp() == null)
                .filter(b -> b.getSpec() == null || b.getSpec().backupMode != BackupMode.LOG)
                .toList());
    snapshots.sort(Comparator.comparing(Retention::createdAt).reversed());
    List<Backup> complete =
        snapshots.stream().filter(b -> ConditionTypes.COMPLETE.equals(phase(b))).toList();
    Backup newestComplete = complete.isEmpty() ? null : complete.get(0);
    List<Backup> delete = new ArrayList<>();
    String candidate = null;
    if (maxReservedTime != null) {
      Instant cutoff = windowEnd(complete, log, now).minus(maxReservedTime);
      List<Backup> expired =
          snapshots.stream().filter(b -> finished(b) && pointInTime(b).isBefore(cutoff)).toList();
      Backup base =
          log == null
              ? null
              : expired.stream()
                  .filter(b -> ConditionTypes.COMPLETE.equals(phase(b)))
                  .findFirst()
                  .orElse(null);
      for (Backup b : expired) {
        if (b != base && b != newestComplete) {
          delete.add(b);
        }
      }
      candidate = base == null ? null : base.getStatus().commitTs;
    } else if (maxBackups != null && maxBackups > 0) {
      for (int i = maxBackups; i < snapshots.size(); i++) {
        Backup b = snapshots.get(i);
        if (finished(b) && b != newestComplete) {
          delete.add(b);
        }
      }
      candidate =
          log == null
              ? null
              : complete.stream()
                  .filter(b -> !delete.contains(b))
                  .reduce((newer, older) -> older)
                  .map(b -> b.getStatus().commitTs)
                  .orElse(null);
    }
    return new Decision(delete, truncation(candidate, log, compacting, compactedUntil));
  }

  /**
   * Where the retention window ends: now without a log backup; with one, the later of its
   * checkpoint and the newest Complete backup's commitTs (now when neither is known).
   */
  static Instant windowEnd(List<Backup> complete, Backup log, Instant now) {
    if (log == null) {
      return now;
    }
    Instant end = log.getStatus() == null ? null : tsoTime(log.getStatus().logCheckpointTs);
    for (Backup b : complete) {
      Instant t = tsoTime(b.getStatus().commitTs);
      if (t != null && (end == null || t.isAfter(end))) {
        end = t;
      }
    }
    return end == null ? now : end;
  }

  /**
   * The truncation point, or null: a TSO after the log backup's start and what it was truncated to
   * before, at or before its checkpoint, and not past the compaction's progress.
   */
  static String truncation(
      String candidate, Backup log, boolean compacting, String compactedUntil) {
    if (log == null || log.getStatus() == null || !isTso(candidate)) {
      return null;
    }
    String to = candidate;
    if (compacting) {
      if (!isTso(compactedUntil)) {
        return null;
      }
      if (new BigInteger(compactedUntil).compareTo(new BigInteger(to)) < 0) {
        to = compactedUntil;
      }
    }
    String checkpoint = log.getStatus().logCheckpointTs;
    if (!isTso(checkpoint) || new BigInteger(to).compareTo(new BigInteger(checkpoint)) > 0) {
      return null;
    }
    if (isTso(log.getStatus().commitTs) && !isAfter(to, log.getStatus().commitTs)) {
      return null;
    }
    return isAfter(to, log.getSpec() == null ? null : log.getSpec().logTruncateUntil) ? to : null;
  }

  static boolean finished(Backup b) {
    return FINISHED.contains(phase(b));
  }

  static String phase(Backup b) {
    return b.getStatus() == null ? null : b.getStatus().phase;
  }

  static Instant createdAt(Backup b) {
    Instant t = Timestamps.parse(b.getMetadata().getCreationTimestamp());
    return t == null ? Instant.EPOCH : t;
  }

  /** The backup's snapshot time from its commitTs (a TSO or a datetime), else its creation time. */
  static Instant pointInTime(Backup b) {
    String ts = b.getStatus() == null ? null : b.getStatus().commitTs;
    Instant t = tsoTime(ts);
    return t != null ? t : createdAt(b);
  }

  /**
   * A TSO's physical part: milliseconds since the epoch, shifted left by 18 bits. A datetime parses
   * as such.
   */
  public static Instant tsoTime(String ts) {
    if (ts == null || ts.isEmpty()) {
      return null;
    }
    if (isTso(ts)) {
      return Instant.ofEpochMilli(new BigInteger(ts).shiftRight(18).longValue());
    }
    try {
      return Timestamps.parse(ts);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static boolean isTso(String s) {
    return s != null && s.matches("\\d{10,20}");
  }

  /** {@code ts} is later than {@code current} (null or not a TSO counts as earlier). */
  static boolean isAfter(String ts, String current) {
    return !isTso(current) || new BigInteger(ts).compareTo(new BigInteger(current)) > 0;
  }
}
