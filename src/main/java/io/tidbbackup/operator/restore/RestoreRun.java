package io.tidbbackup.operator.restore;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.PruneType;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.kernel.PodStart;
import io.tidbbackup.operator.kernel.ReconcileContext;
import io.tidbbackup.operator.kernel.Throttle;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.Reason;
import java.time.Instant;

/**
 * A Restore's Job followed: its observation made the Restore's phase, its pod's start watched, its
 * progress read from the pod's log, its failure handed to the prune.
 */
final class RestoreRun {
  private final ToolJobs jobs;
  private final JobSettings settings;
  private final ReconcileIntervals intervals;
  private final RestorePrune prune;
  private final Throttle progressReads = new Throttle();

  RestoreRun(
      ToolJobs jobs, JobSettings settings, ReconcileIntervals intervals, RestorePrune prune) {
    this.jobs = jobs;
    this.settings = settings;
    this.intervals = intervals;
    this.prune = prune;
  }

  /** Forgets a deleted Restore's progress reads. */
  void forget(String uid) {
    progressReads.forget(uid);
  }

  UpdateControl<Restore> observe(
      ReconcileContext<Restore, RestoreStatus> b,
      Restore restore,
      Context<Restore> ctx,
      Job job,
      JobObservation obs) {
    RestoreStatus st = b.status();
    Instant now = b.now();
    switch (obs.state()) {
      case PENDING -> {
        if (st == null || st.phase == null || ConditionTypes.RETRY_FAILED.equals(st.phase)) {
          b.update(RestoreStatuses.scheduled(st, job.getMetadata().getName(), now));
        }
        return watchStart(b, restore, ctx, job);
      }
      case RUNNING -> {
        b.update(RestoreStatuses.running(st, obs.startTime(), now));
        return watchStart(b, restore, ctx, job);
      }
      case SUCCEEDED -> {
        progressReads.forget(restore.getMetadata().getUid());
        b.update(
            RestoreStatuses.complete(st, obs.result(), obs.startTime(), obs.completionTime(), now));
      }
      default -> {
        progressReads.forget(restore.getMetadata().getUid());
        b.update(
            RestoreStatuses.failed(
                st,
                Reason.RestoreFailed,
                tool(restore.getSpec()) + " failed: " + obs.failure(),
                obs.result(),
                obs.startTime(),
                obs.completionTime(),
                now));
        if (restore.getSpec().prune == PruneType.AFTER_FAILED) {
          return prune.run(b, restore, ctx);
        }
      }
    }
    return UpdateControl.noUpdate();
  }

  /**
   * A started Job's progress, read from its pod's log every progressPoll: status.progresses changes
   * only when a percentage does.
   */
  private UpdateControl<Restore> followProgress(
      ReconcileContext<Restore, RestoreStatus> b, Restore restore, Job job, Instant now) {
    java.time.Duration wait =
        progressReads.wait(restore.getMetadata().getUid(), now, intervals.progressPoll());
    if (wait != null) {
      return UpdateControl.<Restore>noUpdate().rescheduleAfter(wait);
    }
    var printed = jobs.reported(job, io.tidbbackup.api.AgentProtocol.RESTORE);
    var reported = io.tidbbackup.operator.status.Progresses.of(printed.steps());
    if (!reported.isEmpty()) {
      b.update(RestoreStatuses.progress(b.status(), reported, now));
    }
    if (!printed.operations().isEmpty()) {
      // the BR operations seen so far, as TiDB Operator writes them while BR runs
      b.update(RestoreStatuses.operations(b.status(), printed.operations()));
    }
    return UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.progressPoll());
  }

  /**
   * A Job whose pod has not started: said in PodStarted (one Warning event per cause), failed with
   * its Job deleted at the start deadline (a restore that starts later, unwatched, could write into
   * a cluster someone is already repairing), looked at again until then.
   */
  private UpdateControl<Restore> watchStart(
      ReconcileContext<Restore, RestoreStatus> b, Restore restore, Context<Restore> ctx, Job job) {
    Instant now = b.now();
    PodStart.Result r =
        PodStart.follow(
            b,
            jobs,
            job,
            settings.podStartDeadline(),
            intervals.startPoll(),
            PodStart.inConditions("restore", RestoreStatuses::withCondition));
    switch (r.state()) {
      case STARTED -> {
        return followProgress(b, restore, job, now);
      }
      case EXPIRED -> {
        b.update(
            RestoreStatuses.failed(
                b.status(),
                Reason.PodNotStarted,
                "the restore failed: " + r.watch().failure(settings.podStartDeadline()),
                null,
                null,
                null,
                now));
        jobs.deleteForeground(job);
        // BR never ran, so it left no checkpoint data for a prune (whose pod would wait the same
        // way)
        return UpdateControl.noUpdate();
      }
      default -> {
        return UpdateControl.<Restore>noUpdate().rescheduleAfter(r.recheck());
      }
    }
  }

  static String tool(RestoreSpec spec) {
    return spec.br == null ? "TiDB Lightning" : "BR";
  }
}
