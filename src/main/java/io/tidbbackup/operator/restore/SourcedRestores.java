package io.tidbbackup.operator.restore;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSourceStatus;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.operator.recovery.RecoveryRanges;
import io.tidbbackup.operator.recovery.Restorable;
import io.tidbbackup.operator.recovery.Tso;
import io.tidbbackup.operator.recovery.WindowReport;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Pure: a Restore with {@code spec.backupSource} turned into the restore it runs (the chosen log
 * backup's storage inline, the snapshot's as {@code pitrFullBackupStorageProvider}, the target as a
 * TSO), what its status says of the choice, and the refusal of a target outside the window.
 */
final class SourcedRestores {
  private SourcedRestores() {}

  /** What {@code spec.backupSource} names, in words. */
  static String source(Restore r) {
    var src = r.getSpec().backupSource;
    return src.backupSchedule != null && !src.backupSchedule.isEmpty()
        ? "BackupSchedule " + src.backupSchedule
        : "the Backups of cluster " + src.cluster;
  }

  /**
   * The restore that runs: a copy without backupSource, reading the log backup's storage with the
   * snapshot as its full backup (or, for a target that is the snapshot's own point with no log
   * covering it, the snapshot alone).
   */
  static Restore resolved(Restore restore, Backup snapshot, Backup log, long target) {
    @SuppressWarnings("unchecked")
    Restore r = Serde.copy(restore, (Class<Restore>) restore.getClass());
    RestoreSpec spec = r.getSpec();
    spec.backupSource = null;
    if (log == null) {
      spec.restoreMode = RestoreMode.SNAPSHOT;
      spec.pitrRestoredTs = null;
      storage(spec, snapshot);
    } else {
      storage(spec, log);
      // the provider only (a copy as StorageProvider leaves the BackupSpec's tool settings out)
      spec.pitrFullBackupStorageProvider = Serde.copy(snapshot.getSpec(), StorageProvider.class);
      spec.pitrRestoredTs = Long.toString(target);
    }
    return r;
  }

  private static void storage(RestoreSpec spec, Backup from) {
    StorageProvider p = Serde.copy(from.getSpec(), StorageProvider.class);
    spec.s3 = p.s3;
    spec.gcs = p.gcs;
    spec.azblob = p.azblob;
    spec.local = p.local;
  }

  /** What status.backupSource says of the choice. */
  static RestoreSourceStatus status(
      RecoveryRanges.Choice c, Backup snapshot, Backup log, String window, String preflight) {
    RestoreSourceStatus s = new RestoreSourceStatus();
    s.restoredTs = Long.toString(c.target());
    s.restoredTime = Tso.time(c.target());
    s.snapshotBackup = c.snapshot().name();
    s.snapshotCommitTs = Long.toString(c.snapshot().commitTs());
    s.snapshotPath = snapshot.getStatus() == null ? null : snapshot.getStatus().backupPath;
    if (log != null) {
      s.logBackup = c.log().name();
      s.logPath = log.getStatus() == null ? null : log.getStatus().backupPath;
    }
    s.window = window;
    s.preflight = preflight;
    return s;
  }

  /** The choice in words, for the condition, the Event and the log line. */
  static String chosen(RecoveryRanges.Choice c) {
    return "restores to "
        + Tso.time(c.target())
        + " ("
        + c.target()
        + ") from snapshot "
        + c.snapshot().name()
        + " (commitTs "
        + c.snapshot().commitTs()
        + ")"
        + (c.log() == null ? " alone" : " and log backup " + c.log().name());
  }

  /** The window of {@code facts}: earliest to latest, the ranges and the gaps. */
  static String window(List<Restorable> facts) {
    var ranges = RecoveryRanges.ranges(facts);
    var report = WindowReport.of(facts, null);
    String gaps =
        report.gaps == null
            ? ""
            : "; gaps: "
                + report.gaps.stream()
                    .map(g -> g.message)
                    .filter(Objects::nonNull)
                    .collect(Collectors.joining("; "));
    if (ranges.isEmpty()) {
      return "nothing can be restored" + gaps;
    }
    return "restorable from "
        + report.earliestTime
        + " to "
        + report.latestTime
        + ": "
        + RecoveryRanges.describe(ranges)
        + gaps;
  }

  /** The refusal of a target outside the window, naming the window. */
  static String outside(Restore r, String target, List<Restorable> facts) {
    String what =
        target == null || target.isEmpty()
            ? "there is no restorable point"
            : "spec.pitrRestoredTs "
                + target
                + (Tso.of(target) == null ? "" : " (" + Tso.time(Tso.of(target)) + ")")
                + " is outside what can be restored";
    return what + " from " + source(r) + ": " + window(facts);
  }
}
