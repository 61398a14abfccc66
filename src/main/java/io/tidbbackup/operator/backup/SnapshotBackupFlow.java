package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.job.BackupJobBuilder;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.StartWatch;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.validation.BackupValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One reconcile of a snapshot or Dumpling backup: validate, find its Job (by UID), create it,
 * follow it to Complete, retry a failed Job under backoffRetryPolicy, or give up (Failed). Complete
 * and Failed are final; a Job that vanished before it finished makes the backup Failed
 * (JobDeleted), never a second run.
 */
final class SnapshotBackupFlow {
  static final String PROGRESS = "progress/";

  private final BackupContext c;

  SnapshotBackupFlow(BackupContext c) {
    this.c = c;
  }

  UpdateControl<Backup> run() {
    BackupStatus st = c.status();
    String phase = st == null ? null : st.phase;
    if (ConditionTypes.COMPLETE.equals(phase) || ConditionTypes.FAILED.equals(phase)) {
      return BackupContext.done();
    }
    Optional<String> invalid = BackupValidator.validate(c.backup().getSpec(), null);
    if (invalid.isPresent()) {
      c.update(BackupStatuses.invalid(st, invalid.get(), c.now()));
      return BackupContext.done();
    }
    String jobName = Names.backupJob(c.backup().getMetadata().getName(), null);
    boolean expected =
        ConditionTypes.SCHEDULED.equals(phase) || ConditionTypes.RUNNING.equals(phase);
    ToolJobs.Step step =
        c.jobs().step(c.josdk(), c.backup(), jobName, BackupContext.CONTAINER, expected);
    switch (step.kind()) {
      case WAIT -> {
        return BackupContext.after(c.services().intervals().oldJob());
      }
      case TAKEN -> {
        c.update(
            BackupStatuses.withCondition(
                st,
                Conditions.of(
                    ConditionTypes.INVALID,
                    ConditionTypes.TRUE,
                    Reason.JobNameTaken,
                    step.takenMessage()),
                c.now()));
        return BackupContext.done();
      }
      case DELETED -> {
        // running it again would put a second BR beside a process that may still be writing to the
        // prefix
        c.update(
            BackupStatuses.failed(
                st, null, Reason.JobDeleted, step.deletedMessage("backup"), c.now()));
        return BackupContext.done();
      }
      case ABSENT -> {
        return BackupJobStart.start(c, null);
      }
      default -> {
        return observe(step.job(), step.observation());
      }
    }
  }

  private UpdateControl<Backup> observe(Job job, JobObservation obs) {
    BackupStatus st = c.status();
    if (isGoingAway(job, st)) {
      return BackupContext.after(c.services().intervals().oldJob());
    }
    switch (obs.state()) {
      case PENDING -> {
        if (st == null || st.phase == null || ConditionTypes.RETRY_FAILED.equals(st.phase)) {
          c.update(
              BackupStatuses.scheduled(
                  st,
                  null,
                  BackupJobBuilder.backupPath(c.backup()),
                  job.getMetadata().getName(),
                  c.now()));
        }
        return watchStart(job);
      }
      case RUNNING -> {
        c.update(BackupStatuses.running(st, null, obs.startTime(), c.now()));
        return watchStart(job);
      }
      case SUCCEEDED -> {
        c.services().reads().forget(PROGRESS + c.backup().getMetadata().getUid());
        c.update(
            BackupStatuses.complete(
                st, obs.result(), obs.startTime(), obs.completionTime(), c.now()));
        return BackupContext.done();
      }
      default -> {
        return onFailedJob(job, obs);
      }
    }
  }

  /**
   * A started Job's progress, read from its pod's log every progressPoll (the agent prints each
   * step's progress as it moves): status.progresses changes only when a percentage does.
   */
  private UpdateControl<Backup> followProgress(Job job) {
    Duration every = c.services().intervals().progressPoll();
    Duration wait =
        c.services().reads().wait(PROGRESS + c.backup().getMetadata().getUid(), c.now(), every);
    if (wait != null) {
      return BackupContext.after(wait);
    }
    var reported =
        io.tidbbackup.operator.status.Progresses.of(
            c.jobs().reported(job, BackupContext.CONTAINER).steps());
    if (!reported.isEmpty()) {
      c.update(BackupStatuses.progress(c.status(), reported, c.now()));
    }
    return BackupContext.after(every);
  }

  /**
   * A Job whose pod has not started: said in PodStarted (and one Warning event per cause), failed
   * with its Job deleted at the start deadline (so that it can never start later and write a backup
   * nobody waits for), looked at again until then.
   */
  private UpdateControl<Backup> watchStart(Job job) {
    StartWatch w = c.watchStart(job, "backup");
    if (w == null) {
      return followProgress(job);
    }
    if (w.expired()) {
      Duration deadline = c.services().settings().podStartDeadline();
      c.update(
          BackupStatuses.failed(
              c.status(),
              null,
              Reason.PodNotStarted,
              "the backup failed: " + w.failure(deadline),
              c.now()));
      c.jobs().deleteForeground(job);
      return BackupContext.done();
    }
    return BackupContext.after(w.recheck(c.services().intervals().startPoll(), c.now()));
  }

  private UpdateControl<Backup> onFailedJob(Job job, JobObservation obs) {
    BackupStatus st = c.status();
    Instant now = c.now();
    var pending = BackupStatuses.pendingRetry(st);
    if (pending != null) {
      Instant at = Timestamps.parse(pending.expectedRetryAt);
      if (now.isBefore(at)) {
        return BackupContext.after(Duration.between(now, at));
      }
      c.jobs().deleteForeground(job);
      c.update(BackupStatuses.retrying(st, now));
      return BackupContext.after(c.services().intervals().oldJob());
    }
    String failure =
        (c.backup().getSpec().br == null ? "Dumpling" : "BR") + " failed: " + obs.failure();
    var decision =
        BackoffRetry.onFailure(
            c.backup().getSpec().backoffRetryPolicy,
            st == null ? null : st.backoffRetryStatus,
            now,
            shorten(failure, 256));
    if (decision.giveUp() != null) {
      c.update(
          BackupStatuses.failed(
              st, null, Reason.BackupFailed, failure + " (" + decision.giveUp() + ")", now));
      return BackupContext.done();
    }
    decision.retry().failedJobUID = job.getMetadata().getUid();
    c.update(BackupStatuses.retryScheduled(st, decision.retry(), failure, now));
    Instant at = Timestamps.parse(decision.retry().expectedRetryAt);
    return BackupContext.after(Duration.between(now, at).plusMillis(100));
  }

  /**
   * A Job being deleted, or a failed one whose retry has begun (a stale cache entry of the Job it
   * deleted).
   */
  static boolean isGoingAway(Job job, BackupStatus st) {
    if (job.getMetadata().getDeletionTimestamp() != null) {
      return true;
    }
    // identified by UID, never by comparing our clock with the API server's creationTimestamp
    String uid = job.getMetadata().getUid();
    return st != null
        && st.backoffRetryStatus != null
        && st.backoffRetryStatus.stream()
            .anyMatch(r -> r.realRetryAt != null && uid != null && uid.equals(r.failedJobUID));
  }

  static String shorten(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
