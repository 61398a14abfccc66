package io.tidbbackup.operator.backup.clean;

/**
 * Pure: what one reconcile of a Backup being deleted does, as a table read top to bottom (the first
 * row that matches wins). The facts are asked for lazily and in the table's order, so a reconcile
 * observes only what its decision needs (the namespace is read only when a clean is about to
 * start). {@link BackupCleanFlow} gathers the facts and carries the action out; {@code
 * CleanDecisionsTest} has a test per row.
 *
 * <pre>
 *  #  facts                                                      action
 *  1  the API server no longer holds this Backup with our finalizer  NOTHING
 *  2  skip annotation, a clean still running                     STOP_CLEAN (wait until it is gone)
 *  3  skip annotation                                            RELEASE_SKIPPED (data kept, Warning)
 *  4  log backup: a br log stop Job runs                         WAIT_LOG_STOP
 *  5  log backup: the task runs or is paused, no stop Job yet    START_LOG_STOP
 *     (namespace terminating: no Job can run br log stop; the flow says so and goes on)
 *  6  the policy keeps the data, a clean still running           STOP_CLEAN
 *  7  the policy keeps the data                                  RELEASE_KEPT
 *  8  a backup Job (snapshot or log subcommand) still runs       STOP_BACKUP_JOBS
 *  9  status.backupPath is empty                                 RELEASE_NOTHING_TO_CLEAN
 * 10  the prefix is unsafe or shared, a clean still running      STOP_CLEAN
 * 11  the prefix is unsafe or shared                             RELEASE_UNSAFE (data kept, Warning)
 * 12  an in-process clean runs                                   WAIT_IN_PROCESS
 * 13  an in-process clean ended, prefix verified empty           FINISH
 * 14  an in-process clean ended otherwise                        RELEASE_ORPHANED (data kept, Warning)
 * 15  the clean Job's name: a Job going away                     WAIT_OLD_JOB
 * 16  the clean Job's name: held by a Job not this Backup's      REPORT_NAME_TAKEN (data kept, retried)
 * 17  the clean Job runs (or its pod waits to start)             SHOW_PROGRESS
 * 17b the clean Job's pod did not start within the deadline      RELEASE_NEVER_STARTED (data kept, Warning)
 * 18  the clean Job ended, prefix verified empty                 FINISH
 * 19  the clean Job ended with a failure no retry can fix        RELEASE_REFUSED (data kept, Warning)
 * 20  the clean Job failed, its retry not due yet                WAIT_RETRY
 * 21  the clean Job failed, its retry due                        REPLACE_CLEAN_JOB
 * 22  no clean yet, namespace terminating                        START_IN_PROCESS
 * 23  no clean yet                                               START_CLEAN_JOB
 * </pre>
 */
final class CleanDecisions {
  private CleanDecisions() {}

  enum Action {
    NOTHING,
    STOP_CLEAN,
    RELEASE_SKIPPED,
    WAIT_LOG_STOP,
    START_LOG_STOP,
    RELEASE_KEPT,
    STOP_BACKUP_JOBS,
    RELEASE_NOTHING_TO_CLEAN,
    RELEASE_UNSAFE,
    WAIT_IN_PROCESS,
    FINISH,
    RELEASE_ORPHANED,
    WAIT_OLD_JOB,
    REPORT_NAME_TAKEN,
    SHOW_PROGRESS,
    RELEASE_REFUSED,
    RELEASE_NEVER_STARTED,
    WAIT_RETRY,
    REPLACE_CLEAN_JOB,
    START_IN_PROCESS,
    START_CLEAN_JOB
  }

  /** Where the log task stands for a deletion. */
  enum LogTask {
    /** Not a log backup, nothing running, or a stop Job has ended (its outcome recorded). */
    NOTHING_TO_STOP,
    STOP_RUNNING,
    TO_STOP,
    /** To stop, but no Job can run in a terminating namespace. */
    TO_STOP_NOT_POSSIBLE
  }

  /** What the clean of this Backup has come to. */
  enum Clean {
    NONE,
    IN_PROCESS_RUNNING,
    IN_PROCESS_VERIFIED,
    IN_PROCESS_FAILED,
    JOB_GOING_AWAY,
    JOB_NAME_TAKEN,
    JOB_RUNNING,
    JOB_NEVER_STARTED,
    JOB_VERIFIED,
    JOB_REFUSED,
    JOB_FAILED_RETRY_LATER,
    JOB_FAILED_RETRY_DUE
  }

  /** The facts, asked for in the table's order. */
  interface Facts {
    boolean held();

    boolean skip();

    /**
     * A clean Job of this Backup (in any state) or an in-process clean exists: a release must stop
     * it first.
     */
    boolean cleanExists();

    LogTask logTask();

    boolean deletesData();

    boolean backupJobsRunning();

    boolean pathEmpty();

    boolean prefixUnsafe();

    Clean clean();

    boolean namespaceTerminating();
  }

  static Action decide(Facts f) {
    if (!f.held()) {
      return Action.NOTHING;
    }
    if (f.skip()) {
      return f.cleanExists() ? Action.STOP_CLEAN : Action.RELEASE_SKIPPED;
    }
    switch (f.logTask()) {
      case STOP_RUNNING -> {
        return Action.WAIT_LOG_STOP;
      }
      case TO_STOP -> {
        return Action.START_LOG_STOP;
      }
      default -> {}
    }
    if (!f.deletesData()) {
      return f.cleanExists() ? Action.STOP_CLEAN : Action.RELEASE_KEPT;
    }
    if (f.backupJobsRunning()) {
      return Action.STOP_BACKUP_JOBS;
    }
    if (f.pathEmpty()) {
      return Action.RELEASE_NOTHING_TO_CLEAN;
    }
    if (f.prefixUnsafe()) {
      return f.cleanExists() ? Action.STOP_CLEAN : Action.RELEASE_UNSAFE;
    }
    return switch (f.clean()) {
      case IN_PROCESS_RUNNING -> Action.WAIT_IN_PROCESS;
      case IN_PROCESS_VERIFIED, JOB_VERIFIED -> Action.FINISH;
      case IN_PROCESS_FAILED -> Action.RELEASE_ORPHANED;
      case JOB_GOING_AWAY -> Action.WAIT_OLD_JOB;
      case JOB_NAME_TAKEN -> Action.REPORT_NAME_TAKEN;
      case JOB_RUNNING -> Action.SHOW_PROGRESS;
      case JOB_NEVER_STARTED -> Action.RELEASE_NEVER_STARTED;
      case JOB_REFUSED -> Action.RELEASE_REFUSED;
      case JOB_FAILED_RETRY_LATER -> Action.WAIT_RETRY;
      case JOB_FAILED_RETRY_DUE -> Action.REPLACE_CLEAN_JOB;
      case NONE -> f.namespaceTerminating() ? Action.START_IN_PROCESS : Action.START_CLEAN_JOB;
    };
  }
}
