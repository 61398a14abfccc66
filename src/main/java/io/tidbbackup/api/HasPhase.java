package io.tidbbackup.api;

import java.util.List;

/** A status with a phase and TiDB Operator-style conditions (Backup, Restore). */
public interface HasPhase {
  String currentPhase();

  List<BackupCondition> currentConditions();

  /** When the tool's Job started (RFC 3339), or null. */
  String startedAt();

  /** When it completed or failed (RFC 3339), or null. */
  String completedAt();
}
