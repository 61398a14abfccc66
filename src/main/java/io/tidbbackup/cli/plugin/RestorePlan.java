package io.tidbbackup.cli.plugin;

import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSource;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.recovery.RecoveryRanges;
import io.tidbbackup.operator.recovery.Restorable;
import io.tidbbackup.operator.recovery.Tso;
import java.util.List;
import java.util.Objects;

/**
 * Pure: the Restore {@code kubectl tidb-backup restore --to …} applies: a point-in-time restore
 * that names what holds the backups ({@code spec.backupSource}), so the operator picks and checks
 * them again itself; and, said before it is applied, what it will read (the snapshot and the log
 * backup the same choice makes from the Backups seen now), or the window when the target lies
 * outside it.
 */
public final class RestorePlan {
  /** The Restore and the words about it; {@code restore} null when refused. */
  public record Plan(Restore restore, String explanation) {}

  private RestorePlan() {}

  /**
   * @param to a TSO or a datetime (BR's forms), or null for the latest restorable point
   * @param schedule the BackupSchedule holding the backups, or null
   * @param cluster the cluster whose Backups hold them (when no schedule), or null
   * @param into the cluster restored into
   */
  public static Plan of(
      String namespace,
      String name,
      String to,
      String schedule,
      String cluster,
      String clusterNamespace,
      String into,
      List<Backup> backups) {
    if ((schedule == null) == (cluster == null)) {
      throw new IllegalArgumentException("give exactly one of --schedule and --cluster");
    }
    Long target = null;
    if (to != null) {
      target = Tso.of(to);
      if (target == null) {
        throw new IllegalArgumentException(
            "--to " + to + ": not a TSO or a datetime (e.g. 2024-05-04 09:00:00+08:00)");
      }
    }
    List<Restorable> facts = backups.stream().map(Restorable::of).filter(Objects::nonNull).toList();
    var choice = RecoveryRanges.choose(facts, target);
    String source = schedule != null ? "BackupSchedule " + schedule : "cluster " + cluster;
    if (choice.isEmpty()) {
      return new Plan(
          null,
          (target == null ? "nothing to restore" : Tso.time(target) + " is outside the window")
              + " of "
              + source
              + ": restorable "
              + RecoveryRanges.describe(RecoveryRanges.ranges(facts)));
    }
    var c = choice.get();
    Restore r = new Restore();
    r.setApiVersion(ApiConstants.API_VERSION);
    r.setKind("Restore");
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(namespace);
    RestoreSpec spec = new RestoreSpec();
    spec.br = new io.tidbbackup.api.BRConfig();
    spec.br.cluster = into;
    spec.restoreMode = RestoreMode.PITR;
    spec.pitrRestoredTs = to == null ? Long.toString(c.target()) : to;
    spec.backupSource = new BackupSource();
    spec.backupSource.backupSchedule = schedule;
    spec.backupSource.cluster = cluster;
    spec.backupSource.clusterNamespace = clusterNamespace;
    r.setSpec(spec);
    return new Plan(
        r,
        "restores "
            + into
            + " to "
            + Tso.time(c.target())
            + " from snapshot "
            + c.snapshot().name()
            + (c.log() == null ? " alone" : " and log backup " + c.log().name())
            + " ("
            + source
            + "; the operator checks them again before its Job)");
  }

  /** The Restore as YAML, with the explanation as a comment above it. */
  public static String yaml(Plan p) {
    return "# " + p.explanation() + "\n" + Serde.yaml(p.restore());
  }
}
