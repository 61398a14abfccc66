package io.tidbbackup.cli.plugin;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.RecoveryWindow;
import io.tidbbackup.api.Restore;
import io.tidbbackup.operator.recovery.Restorable;
import io.tidbbackup.operator.recovery.Tso;
import io.tidbbackup.operator.recovery.WindowReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Pure: {@code kubectl tidb-backup status}'s answer to "what can I restore, to when": per TiDB
 * cluster (the {@code spec.br.cluster} its Backups name), the recovery window the operator would
 * compute from them (with its gaps), the last backups, how far each running log backup's checkpoint
 * lags, the work under way, and the cleans that have waited long.
 */
public final class RecoveryStatus {
  static final Set<String> ENDED = Set.of("Complete", "Failed", "Invalid", "Stopped");

  /** A clean waited this long is said as stuck (see docs/operations.md for what to look at). */
  static final Duration STUCK_CLEAN = Duration.ofMinutes(10);

  static final int LAST_BACKUPS = 3;

  private RecoveryStatus() {}

  public static String render(List<Backup> backups, List<Restore> restores, Instant now) {
    Map<String, List<Backup>> byCluster = new TreeMap<>();
    for (Backup b : backups) {
      byCluster.computeIfAbsent(clusterOf(b), k -> new ArrayList<>()).add(b);
    }
    StringBuilder out = new StringBuilder();
    if (byCluster.isEmpty()) {
      out.append("No Backups here: nothing can be restored.\n");
    }
    for (var e : byCluster.entrySet()) {
      section(out, e.getKey(), e.getValue(), now);
    }
    List<String> running =
        restores.stream()
            .filter(r -> !ENDED.contains(r.getStatus() == null ? "" : r.getStatus().phase))
            .map(r -> "Restore " + r.getMetadata().getName() + " " + phaseOf(r.getStatus()))
            .toList();
    if (!running.isEmpty()) {
      out.append("Restores under way:\n");
      running.forEach(l -> out.append("  ").append(l).append('\n'));
    }
    return out.toString();
  }

  static void section(StringBuilder out, String cluster, List<Backup> backups, Instant now) {
    out.append("Cluster ").append(cluster).append('\n');
    List<Restorable> facts = backups.stream().map(Restorable::of).filter(Objects::nonNull).toList();
    RecoveryWindow w = WindowReport.of(facts, null);
    if (w.earliestTs == null) {
      out.append("  restorable: nothing\n");
    } else {
      out.append("  restorable: ")
          .append(w.earliestTime)
          .append(" (snapshot ")
          .append(w.earliestSnapshot)
          .append(") to ")
          .append(w.latestTime)
          .append(" (snapshot ")
          .append(w.latestSnapshot)
          .append(w.latestLogBackup == null ? "" : " + log backup " + w.latestLogBackup)
          .append(")\n");
    }
    if (w.ranges != null && w.ranges.size() > 1) {
      for (var r : w.ranges) {
        out.append("    ")
            .append(r.fromTime)
            .append(Objects.equals(r.fromTs, r.toTs) ? " only" : " to " + r.toTime)
            .append(" from ")
            .append(r.snapshot)
            .append(r.logBackup == null ? "" : " + " + r.logBackup)
            .append('\n');
      }
    }
    if (w.gaps != null) {
      for (var g : w.gaps) {
        out.append("  gap ").append(g.reason).append(": ").append(g.message).append('\n');
      }
    }
    List<Backup> snapshots =
        backups.stream()
            .filter(b -> b.getSpec().backupMode != BackupMode.LOG)
            .sorted(Comparator.comparing(RecoveryStatus::created).reversed())
            .limit(LAST_BACKUPS)
            .toList();
    out.append("  last backups:\n");
    for (Backup b : snapshots) {
      var st = b.getStatus();
      Long ts = st == null ? null : Tso.of(st.commitTs);
      out.append("    ")
          .append(b.getMetadata().getName())
          .append(' ')
          .append(phaseOf(st))
          .append(ts == null ? "" : " at " + Tso.time(ts))
          .append('\n');
    }
    for (Backup b : backups) {
      var st = b.getStatus();
      if (b.getSpec().backupMode == BackupMode.LOG && "Running".equals(phaseOf(st))) {
        Long cp = st == null ? null : Tso.of(st.logCheckpointTs);
        out.append("  log backup ")
            .append(b.getMetadata().getName())
            .append(
                cp == null
                    ? ": no checkpoint yet"
                    : ": checkpoint " + Tso.time(cp) + ", " + lag(Tso.instant(cp), now) + " behind")
            .append('\n');
      }
    }
    for (Backup b : backups) {
      String phase = phaseOf(b.getStatus());
      if (b.getMetadata().getDeletionTimestamp() == null
          && b.getSpec().backupMode != BackupMode.LOG
          && !ENDED.contains(phase)) {
        out.append("  running: Backup ").append(b.getMetadata().getName()).append(' ');
        out.append(phase).append('\n');
      }
      String deleting = b.getMetadata().getDeletionTimestamp();
      if (deleting != null
          && Duration.between(Instant.parse(deleting), now).compareTo(STUCK_CLEAN) > 0) {
        out.append("  stuck clean: Backup ")
            .append(b.getMetadata().getName())
            .append(" deleted ")
            .append(lag(Instant.parse(deleting), now))
            .append(" ago, its data not yet cleaned (kubectl tidb-backup describe backup/")
            .append(b.getMetadata().getName())
            .append(")\n");
      }
    }
  }

  static String clusterOf(Backup b) {
    var br = b.getSpec() == null ? null : b.getSpec().br;
    if (br == null || br.cluster == null) {
      return "(Dumpling backups)";
    }
    String ns =
        br.clusterNamespace == null || br.clusterNamespace.isEmpty()
            ? b.getMetadata().getNamespace()
            : br.clusterNamespace;
    return ns + "/" + br.cluster;
  }

  static String phaseOf(Object status) {
    String p =
        status instanceof io.tidbbackup.api.BackupStatus s
            ? s.phase
            : status instanceof io.tidbbackup.api.RestoreStatus r ? r.phase : null;
    return p == null || p.isEmpty() ? "(new)" : p;
  }

  static String created(Backup b) {
    return Objects.toString(b.getMetadata().getCreationTimestamp(), "");
  }

  static String lag(Instant since, Instant now) {
    long s = Math.max(0, Duration.between(since, now).toSeconds());
    return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h" + (s % 3600) / 60 + "m";
  }
}
