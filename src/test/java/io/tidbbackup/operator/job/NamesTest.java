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
      assertThat(Names.backupJob(a, c))
          .hasSizeLessThanOrEqualTo(63)
          .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
    assertThat(Names.backupJob(a, null))
        .isEqualTo(Names.backupJob(a, null))
        .hasSize(63)
        .isNotEqualTo(Names.backupJob(b, null));
    assertThat(Names.backupJob(a, LogSubCommand.START))
        .isNotEqualTo(Names.backupJob(a, LogSubCommand.STOP));
    assertThat(Names.cleanJob("x".repeat(253))).hasSizeLessThanOrEqualTo(63);
    assertThat(Names.labelValue("y".repeat(100))).hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void truncationNeverLeavesADashBeforeTheHash() {
    String name = "a".repeat(47) + "-" + "b".repeat(20);
    String job = Names.backupJob(name, null);
    assertThat(job).hasSizeLessThanOrEqualTo(63).doesNotContain("--");
  }

  @Test
  void aBackupNamedLikeAnotherBackupsLogJobGetsAJobOfItsOwn() {
    // upstream both are backup-lb-log-start
    for (LogSubCommand c : LogSubCommand.values()) {
      String derived = Names.backupJob("lb", c);
      String main = Names.backupJob("lb-" + c.value(), null);
      assertThat(derived).isEqualTo("backup-lb-" + c.value());
      assertThat(main)
          .startsWith("backup-lb-" + c.value() + "-")
          .hasSize(derived.length() + 9)
          .isNotEqualTo(derived)
          .isEqualTo(Names.backupJob("lb-" + c.value(), null));
    }
    assertThat(Names.restorePruneJob("r")).isEqualTo("restore-r-prune");
    assertThat(Names.restoreJob("r-prune"))
        .startsWith("restore-r-prune-")
        .isNotEqualTo(Names.restorePruneJob("r"));
    // a name that only contains a suffix keeps its upstream Job name
    assertThat(Names.backupJob("log-start-weekly", null)).isEqualTo("backup-log-start-weekly");
  }

  @Test
  void longNamesDoNotCollideEither() {
    String lb = "l".repeat(60);
    for (LogSubCommand c : LogSubCommand.values()) {
      String derived = Names.backupJob(lb, c);
      String main = Names.backupJob(lb + "-" + c.value(), null);
      assertThat(main).hasSizeLessThanOrEqualTo(63).isNotEqualTo(derived);
      assertThat(derived).hasSizeLessThanOrEqualTo(63);
    }
    String r = "r".repeat(60);
    assertThat(Names.restoreJob(r + "-prune"))
        .hasSizeLessThanOrEqualTo(63)
        .isNotEqualTo(Names.restorePruneJob(r));
  }

  /**
   * Every pair of names from a small alphabet that ends in the derived suffixes: no two Jobs share
   * a name.
   */
  @Test
  void noTwoBackupsJobsShareANameOverAnExhaustiveSmallSet() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String base : java.util.List.of("a", "lb", "x".repeat(50), "y".repeat(55))) {
      names.add(base);
      for (LogSubCommand c : LogSubCommand.values()) {
        names.add(base + "-" + c.value());
        names.add(base + "-" + c.value() + "-" + c.value());
      }
    }
    java.util.Map<String, String> seen = new java.util.HashMap<>();
    for (String n : names) {
      java.util.List<String> jobs = new java.util.ArrayList<>();
      jobs.add(Names.backupJob(n, null));
      for (LogSubCommand c : LogSubCommand.values()) {
        jobs.add(Names.backupJob(n, c));
      }
      for (String j : jobs) {
        String before = seen.put(j, n);
        assertThat(before == null || before.equals(n))
            .as("Job %s of Backup %s and of Backup %s", j, n, before)
            .isTrue();
        assertThat(j).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
      }
    }
  }
}
