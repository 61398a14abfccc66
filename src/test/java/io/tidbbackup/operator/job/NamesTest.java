package io.tidbbackup.operator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.LogSubCommand;
import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void shortNamesAreKeptAsUpstream() {
    assertThat(Names.backupJob("demo1", null)).isEqualTo("backup-demo1");
    assertThat(Names.backupJob("x", LogSubCommand.START)).isEqualTo("backup-x-log-start");
    assertThat(Names.cleanJob("demo1")).isEqualTo("clean-demo1");
    assertThat(Names.restoreJob("r1")).isEqualTo("restore-r1");
  }

  @Test
  void longNamesAreBoundedDeterministicAndDistinct() {
    String a = "a".repeat(60);
    String b = "a".repeat(59) + "b";
    for (LogSubCommand c : LogSubCommand.values()) {
      assertThat(Names.backupJob(a, c)).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
    assertThat(Names.backupJob(a, null)).isEqualTo(Names.backupJob(a, null)).hasSize(63)
        .isNotEqualTo(Names.backupJob(b, null));
    assertThat(Names.backupJob(a, LogSubCommand.START)).isNotEqualTo(Names.backupJob(a, LogSubCommand.STOP));
    assertThat(Names.cleanJob("x".repeat(253))).hasSizeLessThanOrEqualTo(63);
    assertThat(Names.labelValue("y".repeat(100))).hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void truncationNeverLeavesADashBeforeTheHash() {
    String name = "a".repeat(47) + "-" + "b".repeat(20);
    String job = Names.backupJob(name, null);
    assertThat(job).hasSizeLessThanOrEqualTo(63).doesNotContain("--");
  }
}
