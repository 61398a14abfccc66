package io.tidbbackup.api;

import java.util.List;

/** A status with a phase and TiDB Operator-style conditions (Backup, Restore). */
public interface HasPhase {
  String currentPhase();

  List<BackupCondition> currentConditions();
}
