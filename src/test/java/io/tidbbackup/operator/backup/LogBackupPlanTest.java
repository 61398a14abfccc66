package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.LogSubCommandStatus;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

class LogBackupPlanTest {
  static BackupSpec spec(LogSubCommand cmd) {
    BackupSpec s = new BackupSpec();
    s.logSubcommand = cmd;
    return s;
  }

  static BackupStatus done(BackupStatus s, LogSubCommand cmd, String phase, String at) {
    BackupStatus n = s == null ? new BackupStatus() : s;
    if (n.logSubCommandStatuses == null) {
      n.logSubCommandStatuses = new LinkedHashMap<>();
    }
    LogSubCommandStatus sub = new LogSubCommandStatus();
    sub.phase = phase;
    sub.timeCompleted = at;
    n.logSubCommandStatuses.put(cmd.value(), sub);
    return n;
  }

  @Test
  void startsThenFollowsTheSpec() {
    assertThat(LogBackupPlan.next(spec(null), null)).isEqualTo(LogSubCommand.START);
    assertThat(LogBackupPlan.next(spec(LogSubCommand.PAUSE), null)).isEqualTo(LogSubCommand.START);
    BackupStatus started =
        done(null, LogSubCommand.START, ConditionTypes.COMPLETE, "2024-01-01T00:00:00Z");
    assertThat(LogBackupPlan.next(spec(LogSubCommand.START), started)).isNull();
    assertThat(LogBackupPlan.next(spec(LogSubCommand.PAUSE), started))
        .isEqualTo(LogSubCommand.PAUSE);
    BackupStatus paused =
        done(started, LogSubCommand.PAUSE, ConditionTypes.COMPLETE, "2024-01-01T00:01:00Z");
    assertThat(LogBackupPlan.state(paused)).isEqualTo(LogBackupPlan.TaskState.PAUSED);
    assertThat(LogBackupPlan.next(spec(LogSubCommand.START), paused))
        .isEqualTo(LogSubCommand.RESUME);
    assertThat(LogBackupPlan.next(spec(LogSubCommand.STOP), paused)).isEqualTo(LogSubCommand.STOP);
    BackupStatus stopped =
        done(paused, LogSubCommand.STOP, ConditionTypes.COMPLETE, "2024-01-01T00:02:00Z");
    assertThat(LogBackupPlan.next(spec(LogSubCommand.START), stopped)).isNull();
  }

  @Test
  void deprecatedLogStopStops() {
    BackupSpec s = spec(null);
    s.logStop = true;
    BackupStatus started =
        done(null, LogSubCommand.START, ConditionTypes.COMPLETE, "2024-01-01T00:00:00Z");
    assertThat(LogBackupPlan.next(s, started)).isEqualTo(LogSubCommand.STOP);
  }

  @Test
  void truncatesWhenLogTruncateUntilMovesAndNotAfterItFailedForTheSameValue() {
    BackupSpec s = spec(LogSubCommand.TRUNCATE);
    s.logTruncateUntil = "2024-10-01 00:00:00";
    BackupStatus started =
        done(null, LogSubCommand.START, ConditionTypes.COMPLETE, "2024-01-01T00:00:00Z");
    assertThat(LogBackupPlan.next(s, null)).as("nothing to truncate before a start").isNull();
    assertThat(LogBackupPlan.next(s, started)).isEqualTo(LogSubCommand.TRUNCATE);
    started.logSuccessTruncateUntil = "2024-10-01 00:00:00";
    assertThat(LogBackupPlan.next(s, started)).isNull();
    started.logSuccessTruncateUntil = null;
    BackupStatus failed =
        done(started, LogSubCommand.TRUNCATE, ConditionTypes.FAILED, "2024-01-01T00:03:00Z");
    failed.logSubCommandStatuses.get("log-truncate").logTruncatingUntil = "2024-10-01 00:00:00";
    assertThat(LogBackupPlan.next(s, failed)).isNull();
    s.logTruncateUntil = "2024-11-01 00:00:00";
    assertThat(LogBackupPlan.next(s, failed)).isEqualTo(LogSubCommand.TRUNCATE);
  }
}
