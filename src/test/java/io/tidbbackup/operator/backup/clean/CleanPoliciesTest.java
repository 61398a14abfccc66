package io.tidbbackup.operator.backup.clean;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.CleanPolicy;
import io.tidbbackup.api.LogSubCommandStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which deletions delete data: cleanPolicy read against the backup's outcome. */
class CleanPoliciesTest {

  static Backup backup(BackupMode mode, CleanPolicy policy) {
    Backup b = new Backup();
    b.setSpec(new BackupSpec());
    b.getSpec().backupMode = mode;
    b.getSpec().cleanPolicy = policy;
    b.setStatus(new BackupStatus());
    b.getStatus().conditions = new ArrayList<>();
    b.getStatus().logSubCommandStatuses = new LinkedHashMap<>();
    return b;
  }

  static void sub(Backup b, String command, String phase) {
    LogSubCommandStatus s = new LogSubCommandStatus();
    s.command = command;
    s.phase = phase;
    s.timeCompleted = "2026-01-01T00:00:00Z";
    b.getStatus().logSubCommandStatuses.put(command, s);
  }

  static void failedCondition(Backup b) {
    BackupCondition c = new BackupCondition();
    c.type = "Failed";
    c.status = "True";
    b.getStatus().conditions.add(c);
  }

  @Test
  void onFailureKeepsAHealthyLogBackupWhoseTruncateFailed() {
    Backup b = backup(BackupMode.LOG, CleanPolicy.ON_FAILURE);
    sub(b, "log-start", "Complete");
    sub(b, "log-truncate", "Failed");
    failedCondition(b); // the truncate's failure left a top-level Failed condition
    b.getStatus().phase = "Failed";
    assertThat(CleanPolicies.deletesData(b)).isFalse();
  }

  @Test
  void onFailureDeletesALogBackupWhoseTaskNeverStarted() {
    Backup b = backup(BackupMode.LOG, CleanPolicy.ON_FAILURE);
    sub(b, "log-start", "Failed");
    assertThat(CleanPolicies.deletesData(b)).isTrue();
  }

  @Test
  void onFailureDeletesAFailedSnapshotBackupOnly() {
    Backup failed = backup(BackupMode.SNAPSHOT, CleanPolicy.ON_FAILURE);
    failed.getStatus().phase = "Failed";
    Backup complete = backup(BackupMode.SNAPSHOT, CleanPolicy.ON_FAILURE);
    complete.getStatus().phase = "Complete";
    assertThat(CleanPolicies.deletesData(failed)).isTrue();
    assertThat(CleanPolicies.deletesData(complete)).isFalse();
  }

  @Test
  void deleteAlwaysAndRetainNever() {
    for (BackupMode m : List.of(BackupMode.SNAPSHOT, BackupMode.LOG)) {
      assertThat(CleanPolicies.deletesData(backup(m, CleanPolicy.DELETE))).isTrue();
      assertThat(CleanPolicies.deletesData(backup(m, CleanPolicy.RETAIN))).isFalse();
    }
  }
}
