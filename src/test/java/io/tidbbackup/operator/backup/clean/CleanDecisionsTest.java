package io.tidbbackup.operator.backup.clean;

import static io.tidbbackup.operator.backup.clean.CleanDecisions.Action.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.operator.backup.clean.CleanDecisions.Action;
import io.tidbbackup.operator.backup.clean.CleanDecisions.Clean;
import io.tidbbackup.operator.backup.clean.CleanDecisions.LogTask;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per row of the clean decision table ({@link CleanDecisions}). Each starts from a Backup
 * on its way to a plain clean Job and changes the facts its row needs; the facts record what was
 * asked, so a test also shows that a decision does not look further than it must (no namespace read
 * before a clean is to start, no clean observed before the prefix is known safe).
 */
class CleanDecisionsTest {

  /** Facts with setters; every fact asked is recorded in order. */
  static final class Given implements CleanDecisions.Facts {
    boolean held = true;
    boolean skip;
    boolean cleanExists;
    LogTask logTask = LogTask.NOTHING_TO_STOP;
    boolean deletesData = true;
    boolean backupJobsRunning;
    boolean pathEmpty;
    boolean prefixUnsafe;
    Clean clean = Clean.NONE;
    boolean namespaceTerminating;
    final List<String> asked = new ArrayList<>();

    @Override
    public boolean held() {
      asked.add("held");
      return held;
    }

    @Override
    public boolean skip() {
      asked.add("skip");
      return skip;
    }

    @Override
    public boolean cleanExists() {
      asked.add("cleanExists");
      return cleanExists;
    }

    @Override
    public LogTask logTask() {
      asked.add("logTask");
      return logTask;
    }

    @Override
    public boolean deletesData() {
      asked.add("deletesData");
      return deletesData;
    }

    @Override
    public boolean backupJobsRunning() {
      asked.add("backupJobsRunning");
      return backupJobsRunning;
    }

    @Override
    public boolean pathEmpty() {
      asked.add("pathEmpty");
      return pathEmpty;
    }

    @Override
    public boolean prefixUnsafe() {
      asked.add("prefixUnsafe");
      return prefixUnsafe;
    }

    @Override
    public Clean clean() {
      asked.add("clean");
      return clean;
    }

    @Override
    public boolean namespaceTerminating() {
      asked.add("namespaceTerminating");
      return namespaceTerminating;
    }

    Action decide() {
      return CleanDecisions.decide(this);
    }
  }

  @Test
  void row01_notHeldAnyMoreIsNothingAndLooksNoFurther() {
    Given g = new Given();
    g.held = false;
    assertThat(g.decide()).isEqualTo(NOTHING);
    assertThat(g.asked).containsExactly("held");
  }

  @Test
  void row02_skipWhileACleanRunsStopsItFirst() {
    Given g = new Given();
    g.skip = true;
    g.cleanExists = true;
    assertThat(g.decide()).isEqualTo(STOP_CLEAN);
  }

  @Test
  void row03_skipReleasesWithTheDataKept() {
    Given g = new Given();
    g.skip = true;
    g.logTask = LogTask.TO_STOP; // the skip annotation wins even over a running log task
    assertThat(g.decide()).isEqualTo(RELEASE_SKIPPED);
    assertThat(g.asked).containsExactly("held", "skip", "cleanExists");
  }

  @Test
  void row04_aStopJobRunsSoWait() {
    Given g = new Given();
    g.logTask = LogTask.STOP_RUNNING;
    assertThat(g.decide()).isEqualTo(WAIT_LOG_STOP);
  }

  @Test
  void row05_aRunningTaskIsStoppedBeforeAnythingElseEvenWhenTheDataIsKept() {
    Given g = new Given();
    g.logTask = LogTask.TO_STOP;
    g.deletesData = false;
    assertThat(g.decide()).isEqualTo(START_LOG_STOP);
    assertThat(g.asked).doesNotContain("deletesData");
  }

  @Test
  void row05b_aTaskThatCannotBeStoppedInATerminatingNamespaceDoesNotHoldTheDeletion() {
    Given g = new Given();
    g.logTask = LogTask.TO_STOP_NOT_POSSIBLE;
    assertThat(g.decide()).isEqualTo(START_CLEAN_JOB);
  }

  @Test
  void row06_retainWhileACleanRunsStopsItFirst() {
    Given g = new Given();
    g.deletesData = false;
    g.cleanExists = true;
    assertThat(g.decide()).isEqualTo(STOP_CLEAN);
  }

  @Test
  void row07_retainReleasesWithTheDataKept() {
    Given g = new Given();
    g.deletesData = false;
    assertThat(g.decide()).isEqualTo(RELEASE_KEPT);
    assertThat(g.asked).doesNotContain("backupJobsRunning", "clean");
  }

  @Test
  void row08_aRunningBackupJobIsStoppedBeforeItsDataIsCleaned() {
    Given g = new Given();
    g.backupJobsRunning = true;
    assertThat(g.decide()).isEqualTo(STOP_BACKUP_JOBS);
    assertThat(g.asked).doesNotContain("pathEmpty", "clean");
  }

  @Test
  void row09_noPathIsNothingToClean() {
    Given g = new Given();
    g.pathEmpty = true;
    assertThat(g.decide()).isEqualTo(RELEASE_NOTHING_TO_CLEAN);
    assertThat(g.asked).doesNotContain("prefixUnsafe", "clean");
  }

  @Test
  void row10_anUnsafeOrSharedPrefixWhileACleanRunsStopsItFirst() {
    Given g = new Given();
    g.prefixUnsafe = true;
    g.cleanExists = true;
    g.clean = Clean.JOB_RUNNING;
    assertThat(g.decide()).isEqualTo(STOP_CLEAN);
    assertThat(g.asked).doesNotContain("clean");
  }

  @Test
  void row11_anUnsafeOrSharedPrefixIsNeverCleaned() {
    Given g = new Given();
    g.prefixUnsafe = true;
    assertThat(g.decide()).isEqualTo(RELEASE_UNSAFE);
    assertThat(g.asked).doesNotContain("clean", "namespaceTerminating");
  }

  @Test
  void row12_anInProcessCleanRunsSoWait() {
    assertThat(withClean(Clean.IN_PROCESS_RUNNING)).isEqualTo(WAIT_IN_PROCESS);
  }

  @Test
  void row13_anInProcessCleanVerifiedEmptyFinishes() {
    assertThat(withClean(Clean.IN_PROCESS_VERIFIED)).isEqualTo(FINISH);
  }

  @Test
  void row14_anInProcessCleanThatFailedReleasesWithTheDataKept() {
    assertThat(withClean(Clean.IN_PROCESS_FAILED)).isEqualTo(RELEASE_ORPHANED);
  }

  @Test
  void row15_aCleanJobGoingAwayIsWaitedFor() {
    assertThat(withClean(Clean.JOB_GOING_AWAY)).isEqualTo(WAIT_OLD_JOB);
  }

  @Test
  void row16_aCleanJobNameHeldByAnotherJobIsReportedNotAdopted() {
    assertThat(withClean(Clean.JOB_NAME_TAKEN)).isEqualTo(REPORT_NAME_TAKEN);
  }

  @Test
  void row17_aRunningCleanJobShowsItsProgress() {
    assertThat(withClean(Clean.JOB_RUNNING)).isEqualTo(SHOW_PROGRESS);
  }

  @Test
  void row17b_aCleanWhosePodNeverStartedReleasesWithTheDataKept() {
    assertThat(withClean(Clean.JOB_NEVER_STARTED)).isEqualTo(RELEASE_NEVER_STARTED);
  }

  @Test
  void row18_aCleanJobVerifiedEmptyFinishes() {
    assertThat(withClean(Clean.JOB_VERIFIED)).isEqualTo(FINISH);
  }

  @Test
  void row19_aCleanNoRetryCanFixReleasesWithTheDataKept() {
    assertThat(withClean(Clean.JOB_REFUSED)).isEqualTo(RELEASE_REFUSED);
  }

  @Test
  void row20_aFailedCleanWaitsForItsRetry() {
    assertThat(withClean(Clean.JOB_FAILED_RETRY_LATER)).isEqualTo(WAIT_RETRY);
  }

  @Test
  void row21_aFailedCleanIsReplacedWhenItsRetryIsDue() {
    assertThat(withClean(Clean.JOB_FAILED_RETRY_DUE)).isEqualTo(REPLACE_CLEAN_JOB);
  }

  @Test
  void row22_noCleanYetInATerminatingNamespaceCleansInProcess() {
    Given g = new Given();
    g.namespaceTerminating = true;
    assertThat(g.decide()).isEqualTo(START_IN_PROCESS);
  }

  @Test
  void row23_noCleanYetStartsTheCleanJob() {
    Given g = new Given();
    assertThat(g.decide()).isEqualTo(START_CLEAN_JOB);
    assertThat(g.asked)
        .containsExactly(
            "held",
            "skip",
            "logTask",
            "deletesData",
            "backupJobsRunning",
            "pathEmpty",
            "prefixUnsafe",
            "clean",
            "namespaceTerminating");
  }

  @Test
  void theNamespaceIsReadOnlyWhenACleanIsAboutToStart() {
    for (Clean c : Clean.values()) {
      Given g = new Given();
      g.clean = c;
      g.decide();
      assertThat(g.asked.contains("namespaceTerminating")).as("%s", c).isEqualTo(c == Clean.NONE);
    }
  }

  static Action withClean(Clean c) {
    Given g = new Given();
    g.clean = c;
    g.namespaceTerminating = true; // never consulted once a clean exists
    return g.decide();
  }
}
