package io.tidbbackup.operator.surface;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.v2.BrBackup;
import io.tidbbackup.api.v2.BrBackupSchedule;
import io.tidbbackup.api.v2.BrCompactBackup;
import io.tidbbackup.api.v2.BrRestore;
import java.util.Locale;
import java.util.Map;

/**
 * The two API groups the operator serves over one model and one set of flows, and everything that
 * differs between them: TiDB Operator v1's {@code pingcap.com} and v2's {@code br.pingcap.com}. The
 * status shape of v2 is in {@link V2Status} (which reads this enum; this enum reads nothing of it),
 * its cluster objects in {@link io.tidbbackup.operator.cluster.V2ClusterFacts}; the flows ask
 * {@link #of} an object.
 */
public enum ApiSurface {
  V1(
      ApiConstants.GROUP,
      ApiConstants.BACKUP_PROTECTION_FINALIZER,
      Backup.class,
      Restore.class,
      BackupSchedule.class,
      CompactBackup.class),
  V2(
      io.tidbbackup.api.v2.V2.GROUP,
      io.tidbbackup.api.v2.V2.FINALIZER,
      BrBackup.class,
      BrRestore.class,
      BrBackupSchedule.class,
      BrCompactBackup.class);

  /** The label TiDB Operator v2 puts on the Jobs it makes, kept on ours for its users' tools. */
  public static final Map<String, String> V2_JOB_LABELS =
      Map.of("pingcap.com/managed-by", "tidb-operator");

  private final String group;
  private final String finalizer;
  private final Class<? extends Backup> backup;
  private final Class<? extends Restore> restore;
  private final Class<? extends BackupSchedule> schedule;
  private final Class<? extends CompactBackup> compact;

  ApiSurface(
      String group,
      String finalizer,
      Class<? extends Backup> backup,
      Class<? extends Restore> restore,
      Class<? extends BackupSchedule> schedule,
      Class<? extends CompactBackup> compact) {
    this.group = group;
    this.finalizer = finalizer;
    this.backup = backup;
    this.restore = restore;
    this.schedule = schedule;
    this.compact = compact;
  }

  /** The surface an object of ours belongs to (by its class: v2's classes extend v1's). */
  public static ApiSurface of(HasMetadata resource) {
    return resource instanceof BrBackup
            || resource instanceof BrRestore
            || resource instanceof BrBackupSchedule
            || resource instanceof BrCompactBackup
        ? V2
        : V1;
  }

  /** By group name ({@code pingcap.com}, {@code br.pingcap.com}) or short name (v1, v2). */
  public static ApiSurface parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    for (ApiSurface a : values()) {
      if (a.group.equals(t) || a.name().toLowerCase(Locale.ROOT).equals(t)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown API group \"" + s + "\": expected pingcap.com (v1) or br.pingcap.com (v2)");
  }

  public String group() {
    return group;
  }

  /** The finalizer that holds a Backup until its data is cleaned. */
  public String finalizer() {
    return finalizer;
  }

  /**
   * v2 also holds a Restore with its finalizer while it is neither Complete nor Failed, so that a
   * Restore deleted while it runs is seen through (its Job stopped, then released).
   */
  public boolean holdsRunningRestores() {
    return this == V2;
  }

  @SuppressWarnings("unchecked")
  public <T extends Backup> Class<T> backupClass() {
    return (Class<T>) backup;
  }

  @SuppressWarnings("unchecked")
  public <T extends Restore> Class<T> restoreClass() {
    return (Class<T>) restore;
  }

  @SuppressWarnings("unchecked")
  public <T extends BackupSchedule> Class<T> scheduleClass() {
    return (Class<T>) schedule;
  }

  @SuppressWarnings("unchecked")
  public <T extends CompactBackup> Class<T> compactClass() {
    return (Class<T>) compact;
  }

  /** A new, empty Backup of this group (a schedule's child). */
  public Backup newBackup() {
    return this == V2 ? new BrBackup() : new Backup();
  }

  /** A new, empty CompactBackup of this group (a schedule's child). */
  public CompactBackup newCompact() {
    return this == V2 ? new BrCompactBackup() : new CompactBackup();
  }

  /** Labels this group's Jobs carry besides the shared set ({@link #V2_JOB_LABELS} for v2). */
  public Map<String, String> extraJobLabels() {
    return this == V2 ? V2_JOB_LABELS : Map.of();
  }

  /** "Backup.br.pingcap.com"-style kind for messages and logs where the group matters. */
  public String qualified(String kind) {
    return kind + "." + group;
  }
}
