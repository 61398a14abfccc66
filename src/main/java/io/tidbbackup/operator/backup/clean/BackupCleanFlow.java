package io.tidbbackup.operator.backup.clean;

import static io.tidbbackup.api.ConditionTypes.FALSE;
import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.StartWatch;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.UnsafePrefixException;
import java.time.Duration;
import java.time.Instant;

/**
 * One reconcile of a Backup that is being deleted: observe the facts {@link CleanDecisions} asks
 * for, take its decision (a pure table: skip annotation, log task, cleanPolicy, running backup
 * Jobs, empty path, unsafe or shared prefix, the clean so far, a terminating namespace), and carry
 * it out. Never sleeps: every wait is a reschedule. Before any release without a verified clean, a
 * running clean is stopped and confirmed gone.
 */
public final class BackupCleanFlow {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(BackupCleanFlow.class);

  private final CleanContext c;
  private final Backup backup;
  private final String key;
  private final CleanSteps steps;

  public BackupCleanFlow(CleanContext c) {
    this.c = c;
    this.backup = c.backup();
    this.key = c.key();
    this.steps = new CleanSteps(c);
  }

  public UpdateControl<Backup> run() {
    CleanFacts facts = new CleanFacts(c);
    CleanStarts starts = new CleanStarts(c, steps, facts);
    CleanDecisions.Action action = CleanDecisions.decide(facts);
    recordLogTask(facts);
    if (action != CleanDecisions.Action.NOTHING) {
      LOG.debug("Backup {} (being deleted): {}", key, action);
    }
    String path = orNone(backup.getStatus() == null ? null : backup.getStatus().backupPath);
    return switch (action) {
      case NOTHING -> UpdateControl.noUpdate();
      case STOP_CLEAN -> stopClean();
      case RELEASE_SKIPPED -> {
        steps.warn(
            Reason.CleanSkipped,
            "annotation "
                + ApiConstants.SKIP_CLEAN_ANNOTATION
                + " is set: the data at "
                + path
                + " is kept");
        yield steps.release();
      }
      case WAIT_LOG_STOP -> CleanSteps.after(c.intervals().cleanPoll());
      case START_LOG_STOP -> {
        c.startLogStop();
        yield CleanSteps.after(c.intervals().cleanPoll());
      }
      case RELEASE_KEPT -> {
        LOG.info("Backup {}: cleanPolicy keeps the data at {}; releasing", key, path);
        yield steps.release();
      }
      case STOP_BACKUP_JOBS -> {
        facts.runningBackupJobs().stream()
            .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
            .forEach(j -> c.jobs().deleteForeground(j));
        yield CleanSteps.after(c.intervals().oldJob());
      }
      case RELEASE_NOTHING_TO_CLEAN -> {
        steps.write(
            Conditions.of(
                ConditionTypes.CLEAN, TRUE, Reason.NothingToClean, "the backup wrote no data"));
        yield steps.release();
      }
      case RELEASE_UNSAFE -> {
        UnsafePrefixException e = facts.unsafe;
        c.metrics().refused(e.reason());
        steps.writeWarning(
            Conditions.of(
                ConditionTypes.CLEAN_FAILED,
                TRUE,
                Reason.valueOf(e.reason().name()),
                e.getMessage() + "; the data is kept"));
        yield steps.release();
      }
      case WAIT_IN_PROCESS -> CleanSteps.after(c.intervals().inProcessPoll());
      case FINISH ->
          finish(facts.report, facts.target, facts.cleanJob == null ? null : facts.cleanJob.job());
      case RELEASE_ORPHANED -> {
        steps.warn(
            Reason.DataOrphaned,
            "namespace is terminating and the in-process clean of "
                + facts.target.url()
                + " failed: "
                + facts.failure
                + "; the remaining data is kept");
        yield steps.release();
      }
      case WAIT_OLD_JOB -> CleanSteps.after(c.intervals().oldJob());
      case REPORT_NAME_TAKEN -> steps.nameTaken(facts.cleanJob.takenMessage());
      case SHOW_PROGRESS -> {
        if (facts.start != null && facts.start.show()) {
          yield waitingToStart(facts.start, facts.target);
        }
        String progress = progress(facts.cleanJob.job());
        if (progress != null) {
          steps.write(
              Conditions.of(
                  ConditionTypes.CLEAN,
                  FALSE,
                  Reason.Cleaning,
                  "cleaning " + facts.target.url() + ": " + progress));
        }
        yield CleanSteps.after(c.intervals().cleanPoll());
      }
      case RELEASE_NEVER_STARTED -> neverStarted(facts.cleanJob.job(), facts.start, facts.target);
      case RELEASE_REFUSED ->
          refused(facts.cleanJob.job(), facts.target, facts.refusal, facts.failure);
      case WAIT_RETRY -> {
        recordFailedAttempt(facts.failure, facts.retryAt);
        yield CleanSteps.after(Duration.between(c.now(), facts.retryAt));
      }
      case REPLACE_CLEAN_JOB -> {
        recordFailedAttempt(facts.failure, facts.retryAt);
        c.jobs().deleteForeground(facts.cleanJob.job());
        yield CleanSteps.after(c.intervals().oldJob());
      }
      case START_IN_PROCESS -> starts.startInProcess(facts.target);
      case START_CLEAN_JOB -> starts.startCleanJob(facts.target);
    };
  }

  /**
   * What observing the log task found, recorded: a finished {@code br log stop} Job's outcome (a
   * failure also as a Warning: the task may still run), a stop no Job can run (a terminating
   * namespace) said in a Warning.
   */
  private void recordLogTask(CleanFacts facts) {
    JobObservation stop = facts.logStop;
    if (stop != null && c.recordLogStop(stop) && stop.state() == JobObservation.State.FAILED) {
      steps.warn(
          Reason.LogStopFailed,
          "br log stop failed while deleting the Backup; the log task "
              + backup.getMetadata().getName()
              + " may still run: stop it with br log stop. "
              + stop.failure());
    }
    if (facts.logStopNotPossible) {
      steps.warn(
          Reason.LogStopSkipped,
          "namespace "
              + backup.getMetadata().getNamespace()
              + " is being terminated, so no "
              + "Job can run br log stop: the log task "
              + backup.getMetadata().getName()
              + " may still run in the "
              + "TiDB cluster; stop it with br log stop");
    }
  }

  /** The table said a clean still runs: stop it, and look again once it is gone. */
  private UpdateControl<Backup> stopClean() {
    UpdateControl<Backup> stopping = stopRunningClean(c);
    return stopping != null ? stopping : CleanSteps.after(c.intervals().oldJob());
  }

  /**
   * Before the finalizer is released for any reason but a verified clean, a clean of this Backup is
   * stopped and waited for — a clean Job deleted in the foreground (it stays until its pod is
   * gone), an in-process clean until it has left the engine — so that no clean keeps deleting data
   * the release says is kept. Null when no clean of this Backup runs: the release may go on. Every
   * release path without a verified clean goes through here.
   */
  public static UpdateControl<Backup> stopRunningClean(CleanContext c) {
    Backup backup = c.backup();
    if (!c.inProcess().stop(backup.getMetadata().getUid())) {
      LOG.info(
          "Backup {}: waiting for the in-process clean to stop before the finalizer is released without a "
              + "clean",
          c.key());
      return CleanSteps.after(c.intervals().inProcessPoll());
    }
    Job clean = ToolJobs.owned(c.josdk(), backup, Names.cleanJob(backup.getMetadata().getName()));
    if (clean == null) {
      return null;
    }
    if (clean.getMetadata().getDeletionTimestamp() == null) {
      LOG.info(
          "Backup {}: stopping clean Job {} before the finalizer is released without a clean",
          c.key(),
          clean.getMetadata().getName());
      c.jobs().deleteForeground(clean);
    }
    return CleanSteps.after(c.intervals().oldJob());
  }

  /**
   * A clean no retry can fix: the data is kept, said in a condition and a Warning event, and the
   * Backup goes.
   */
  private UpdateControl<Backup> refused(Job job, StorageLocation target, String why, String error) {
    String message =
        "the clean of "
            + target.url()
            + " cannot succeed: "
            + why
            + " ("
            + error
            + "); the data is "
            + "kept there and the Backup is released";
    steps.writeWarning(
        Conditions.of(ConditionTypes.CLEAN_FAILED, TRUE, Reason.CleanRefused, message));
    c.metrics().refused(Reason.CleanRefused);
    c.jobs().delete(job);
    return steps.release();
  }

  /**
   * A clean whose pod cannot start: said (one Warning per cause), looked at again until the
   * deadline.
   */
  private UpdateControl<Backup> waitingToStart(StartWatch w, StorageLocation target) {
    io.tidbbackup.operator.kernel.PodStart.say(c, w, steps.notStarting(target));
    return CleanSteps.after(w.recheck(c.intervals().cleanPoll(), c.now()));
  }

  /**
   * The clean's pod did not start within the deadline: its Job is deleted and the Backup released
   * with the data kept, said in CleanFailed and a Warning (a deletion never hangs on a pod that
   * cannot start).
   */
  private UpdateControl<Backup> neverStarted(Job job, StartWatch w, StorageLocation target) {
    String message =
        "the clean of "
            + target.url()
            + " never started: "
            + w.failure(c.jobSettings().podStartDeadline())
            + "; the data is kept there and the Backup is released";
    steps.writeWarning(
        Conditions.of(ConditionTypes.CLEAN_FAILED, TRUE, Reason.PodNotStarted, message));
    c.jobs().deleteForeground(job);
    return steps.release();
  }

  /**
   * A failed clean attempt, said in a condition with the time of the retry (capped backoff, see
   * CleanJobPolicy).
   */
  private void recordFailedAttempt(String error, Instant retryAt) {
    BackupStatus st = c.status();
    int attempts = st == null || st.cleanAttempts == null ? 1 : st.cleanAttempts;
    steps.write(
        Conditions.of(
            ConditionTypes.CLEAN_FAILED,
            TRUE,
            Reason.CleanJobFailed,
            "clean attempt "
                + attempts
                + " failed: "
                + error
                + "; retrying at "
                + Timestamps.format(retryAt)));
  }

  private UpdateControl<Backup> finish(CleanReport report, StorageLocation target, Job job) {
    c.metrics().record(target.type().scheme(), report);
    if (Boolean.TRUE.equals(report.fallback())) {
      c.event(
          EventType.WARNING,
          Reason.BatchDeleteUnsupported,
          "the store behind "
              + target.url()
              + " rejected DeleteObjects; the clean deleted one object per request");
    }
    steps.write(
        Conditions.of(
            ConditionTypes.CLEAN,
            TRUE,
            Reason.Cleaned,
            "deleted " + report.deleted() + " object(s); " + target.url() + " verified empty"));
    if (job != null) {
      c.jobs().delete(job);
    }
    return steps.release();
  }

  /**
   * "deleted X of Y listed" from the clean pod's last progress line; null when it cannot be read.
   */
  private String progress(Job job) {
    AgentProtocol.CleanProgress p =
        AgentProtocol.CleanProgress.last(c.jobs().logTail(job, AgentProtocol.CLEAN, 50));
    return p == null
        ? null
        : "deleted "
            + p.deleted()
            + " of "
            + p.listed()
            + " objects listed so far"
            + (p.failed() == 0 ? "" : ", " + p.failed() + " failed in this round");
  }

  static String orNone(String path) {
    return path == null || path.isEmpty() ? "(no path)" : path;
  }
}
