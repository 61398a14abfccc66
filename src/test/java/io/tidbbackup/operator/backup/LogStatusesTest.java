package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.Reason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Only a failed log-start fails a log backup; other subcommands' failures stay in their own status.
 */
class LogStatusesTest {
  static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

  static BackupStatus started() {
    BackupSpec spec = new BackupSpec();
    BackupStatus s = LogStatuses.scheduled(null, LogSubCommand.START, spec, "s3://b/log", "j", T);
    AgentResult ok = new AgentResult();
    ok.success = true;
    ok.commitTs = "42";
    return LogStatuses.complete(
        s, LogSubCommand.START, ok, "2024-01-01T00:00:01Z", "2024-01-01T00:00:02Z", T);
  }

  @Test
  void aFailedTruncateLeavesAHealthyLogBackupRunning() {
    BackupStatus s = started();
    s = LogStatuses.scheduled(s, LogSubCommand.TRUNCATE, new BackupSpec(), "s3://b/log", "j", T);
    s = LogStatuses.running(s, LogSubCommand.TRUNCATE, "2024-01-01T00:01:00Z", T);
    assertThat(s.phase).isEqualTo(ConditionTypes.RUNNING);
    s =
        LogStatuses.failed(
            s,
            LogSubCommand.TRUNCATE,
            Reason.LogSubcommandFailed,
            "boom",
            "2024-01-01T00:02:00Z",
            T);
    assertThat(s.phase).isEqualTo(ConditionTypes.RUNNING);
    assertThat(Conditions.isTrue(s.conditions, ConditionTypes.FAILED)).isFalse();
    assertThat(s.logSubCommandStatuses.get("log-truncate").phase).isEqualTo(ConditionTypes.FAILED);
    assertThat(
            Conditions.find(
                    s.logSubCommandStatuses.get("log-truncate").conditions, ConditionTypes.FAILED)
                .message)
        .isEqualTo("boom");
  }

  @Test
  void aFailedPauseLeavesTheTaskRunningAndAFailedResumeLeavesItPaused() {
    BackupStatus s =
        LogStatuses.failed(started(), LogSubCommand.PAUSE, Reason.JobDeleted, "gone", null, T);
    assertThat(s.phase).isEqualTo(ConditionTypes.RUNNING);
    BackupStatus paused =
        LogStatuses.complete(
            started(),
            LogSubCommand.PAUSE,
            null,
            "2024-01-01T00:03:00Z",
            "2024-01-01T00:03:01Z",
            T);
    assertThat(paused.phase).isEqualTo(ConditionTypes.PAUSED);
    BackupStatus s2 =
        LogStatuses.failed(paused, LogSubCommand.RESUME, Reason.LogSubcommandFailed, "x", null, T);
    assertThat(s2.phase).isEqualTo(ConditionTypes.PAUSED);
  }

  @Test
  void aFailedStartFailsTheBackup() {
    BackupStatus s =
        LogStatuses.scheduled(null, LogSubCommand.START, new BackupSpec(), "s3://b/log", "j", T);
    s = LogStatuses.failed(s, LogSubCommand.START, Reason.LogSubcommandFailed, "no PD", null, T);
    assertThat(s.phase).isEqualTo(ConditionTypes.FAILED);
  }

  /**
   * As TiDB Operator v1.6 (pkg/controller/backup_status_updater.go, updateWholeLogBackupStatus): a
   * started task reads Running, never Complete; paused, Paused; a truncate leaves the task's phase;
   * resumed, Running again; stopped, Stopped.
   */
  @Test
  void aLogBackupReadsItsTasksStateNeverComplete() {
    BackupStatus s = started();
    assertThat(s.phase).isEqualTo(ConditionTypes.RUNNING);
    s = LogStatuses.complete(s, LogSubCommand.PAUSE, null, null, "2024-01-01T00:05:00Z", T);
    assertThat(s.phase).isEqualTo(ConditionTypes.PAUSED);
    BackupSpec truncate = new BackupSpec();
    truncate.logTruncateUntil = "2024-01-01 00:00:00";
    s = LogStatuses.scheduled(s, LogSubCommand.TRUNCATE, truncate, "s3://b/log", "j", T);
    s = LogStatuses.running(s, LogSubCommand.TRUNCATE, "2024-01-01T00:06:00Z", T);
    s = LogStatuses.complete(s, LogSubCommand.TRUNCATE, null, null, "2024-01-01T00:07:00Z", T);
    assertThat(s.phase).isEqualTo(ConditionTypes.PAUSED);
    assertThat(s.logSuccessTruncateUntil).isEqualTo("2024-01-01 00:00:00");
    s = LogStatuses.complete(s, LogSubCommand.RESUME, null, null, "2024-01-01T00:08:00Z", T);
    assertThat(s.phase).isEqualTo(ConditionTypes.RUNNING);
    s = LogStatuses.complete(s, LogSubCommand.STOP, null, null, "2024-01-01T00:09:00Z", T);
    assertThat(s.phase).isEqualTo(ConditionTypes.STOPPED);
    assertThat(s.conditions).noneMatch(c -> ConditionTypes.COMPLETE.equals(c.type));
  }

  /**
   * TiDB Operator 1.6.6 writes status.brOperations for a log truncate alone: its operations are
   * kept whether it succeeded or failed, a log-start's never.
   */
  @Test
  void aTruncatesBrOperationsAreWrittenAndALogStartsAreNot() {
    AgentResult withOps = new AgentResult();
    withOps.success = true;
    io.tidbbackup.api.BrOperation op = new io.tidbbackup.api.BrOperation();
    op.operationID = "op-a";
    op.command = "log truncate";
    op.observedAt = "2024-01-01T00:01:30Z";
    withOps.brOperations = java.util.List.of(op);
    BackupSpec spec = new BackupSpec();
    BackupStatus s = LogStatuses.scheduled(null, LogSubCommand.START, spec, "s3://b/log", "j", T);
    s =
        LogStatuses.complete(
            s, LogSubCommand.START, withOps, "2024-01-01T00:00:01Z", "2024-01-01T00:00:02Z", T);
    assertThat(s.brOperations).as("not written for log start").isNull();

    s = LogStatuses.scheduled(s, LogSubCommand.TRUNCATE, spec, "s3://b/log", "j", T);
    BackupStatus done =
        LogStatuses.complete(
            s, LogSubCommand.TRUNCATE, withOps, "2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z", T);
    assertThat(done.brOperations).extracting(o -> o.operationID).containsExactly("op-a");
    assertThat(done.brOperations.get(0).command).isEqualTo("log truncate");

    BackupStatus failed =
        LogStatuses.operations(
            LogStatuses.failed(
                s,
                LogSubCommand.TRUNCATE,
                Reason.LogSubcommandFailed,
                "br log truncate failed",
                null,
                T),
            LogSubCommand.TRUNCATE,
            withOps);
    assertThat(failed.brOperations).extracting(o -> o.operationID).containsExactly("op-a");
    assertThat(LogStatuses.operations(s, LogSubCommand.PAUSE, withOps)).isSameAs(s);
  }
}
