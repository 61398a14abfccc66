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
 * Pure retention of a schedule's snapshot backups, as TiDB Operator's backupGC but without its
 * losses:
 *
 * <ul>
 *   <li>only this schedule's snapshot backups count; the log backup CR is never a candidate
 *       (upstream #6320);
 *   <li>{@code maxReservedTime} (wins over maxBackups) expires a backup by its commitTs (else its
 *       creation time); with a log backup the newest expired Complete backup stays as the PiTR base
 *       and the log backup is truncated to its commitTs;
 *   <li>{@code maxBackups} keeps the newest N;
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

  public static Decision decide(
      List<Backup> children,
      Integer maxBackups,
      Duration maxReservedTime,
      Backup log,
      Instant now) {
    List<Backup> snapshots =
        new ArrayList<>(
            children.stream()
                .filter(b -> b.getMetadata().getDeletionTimestamp() == null)
                .filter(b -> b.getSpec() == null || b.getSpec().backupMode != BackupMode.LOG)
                .toList());
    snapshots.sort(Comparator.comparing(Retention::createdAt).reversed());
    Backup newestComplete =
        snapshots.stream()
            .filter(b -> ConditionTypes.COMPLETE.equals(phase(b)))
            .findFirst()
            .orElse(null);
    List<Backup> delete = new ArrayList<>();
    String truncate = null;
    if (maxReservedTime != null) {
      Instant cutoff = now.minus(maxReservedTime);
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
      if (base != null
          && isTso(base.getStatus().commitTs)
          && isAfter(
              base.getStatus().commitTs,
              log.getSpec() == null ? null : log.getSpec().logTruncateUntil)) {
        truncate = base.getStatus().commitTs;
      }
    } else if (maxBackups != null && maxBackups > 0) {
      for (int i = maxBackups; i < snapshots.size(); i++) {
        Backup b = snapshots.get(i);
        if (finished(b) && b != newestComplete) {
          delete.add(b);
        }
      }
    }
    return new Decision(delete, truncate);
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
