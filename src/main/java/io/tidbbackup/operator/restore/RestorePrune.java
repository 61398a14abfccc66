package io.tidbbackup.operator.restore;

import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.cluster.ClusterNotFound;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.job.RestoreJobBuilder;
import io.tidbbackup.operator.kernel.ReconcileContext;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import java.time.Instant;

/**
 * A failed Restore's {@code prune: afterFailed}: one {@code br abort restore} Job that removes the
 * checkpoint data BR left, its outcome in PruneScheduled, PruneComplete or PruneFailed (the phase
 * stays Failed).
 */
final class RestorePrune {
  private final ToolJobs jobs;
  private final ClusterFactsResolver clusters;
  private final JobSettings settings;
  private final ReconcileIntervals intervals;

  private final RestoreSources sources;

  RestorePrune(
      ToolJobs jobs,
      ClusterFactsResolver clusters,
      JobSettings settings,
      ReconcileIntervals intervals,
      RestoreSources sources) {
    this.jobs = jobs;
    this.clusters = clusters;
    this.settings = settings;
    this.intervals = intervals;
    this.sources = sources;
  }

  /**
   * {@code prune: afterFailed}: one {@code br abort restore} Job; its outcome is recorded, the
   * phase stays Failed.
   */
  UpdateControl<Restore> run(
      ReconcileContext<Restore, RestoreStatus> b, Restore restore, Context<Restore> ctx) {
    RestoreStatus st = b.status();
    if (Conditions.isTrue(st.conditions, ConditionTypes.PRUNE_COMPLETE)
        || Conditions.isTrue(st.conditions, ConditionTypes.PRUNE_FAILED)) {
      return UpdateControl.noUpdate();
    }
    Instant now = b.now();
    String name = Names.restorePruneJob(restore.getMetadata().getName());
    ToolJobs.Step step =
        jobs.step(
            ctx,
            restore,
            name,
            io.tidbbackup.api.AgentProtocol.RESTORE,
            Conditions.isTrue(st.conditions, ConditionTypes.PRUNE_SCHEDULED));
    if (step.kind() == ToolJobs.Kind.WAIT) {
      return UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.oldJob());
    }
    if (step.kind() == ToolJobs.Kind.TAKEN || step.kind() == ToolJobs.Kind.DELETED) {
      String msg =
          step.kind() == ToolJobs.Kind.TAKEN
              ? step.takenMessage() + "; nothing was pruned"
              : step.deletedMessage("prune");
      return pruneFailed(
          b,
          restore,
          step.kind() == ToolJobs.Kind.TAKEN ? Reason.JobNameTaken : Reason.JobDeleted,
          msg);
    }
    if (step.kind() == ToolJobs.Kind.ABSENT) {
      if (restore.getSpec().backupSource != null) {
        // the storage the restore read is the Backups' its status names
        Restore ran = sources.recorded(restore, st);
        if (ran == null) {
          return pruneFailed(
              b,
              restore,
              Reason.BackupSourceNotFound,
              "the Backups status.backupSource names are gone; nothing was pruned");
        }
        restore = ran;
      }
      ClusterFacts facts;
      try {
        facts = clusters.resolve(restore, restore.getSpec().br, restore.getSpec().toolImage);
      } catch (ClusterNotFound e) {
        return pruneFailed(b, restore, e.reason(), e.getMessage() + "; nothing was pruned");
      }
      ToolJobs.Creation created =
          jobs.create(ctx, restore, RestoreJobBuilder.build(restore, true, facts, settings));
      if (created.outcome() != ToolJobs.Created.CREATED) {
        // another object's Job (or a terminating namespace): the next reconcile's step says which
        return UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.oldJob());
      }
      b.update(
          RestoreStatuses.withCondition(
              st,
              Conditions.of(
                  ConditionTypes.PRUNE_SCHEDULED,
                  TRUE,
                  Reason.JobCreated,
                  "created Job " + name + " to run br abort restore"),
              now));
      b.event(
          EventType.NORMAL,
          Reason.PruneScheduled,
          "created Job "
              + name
              + ": br abort restore removes the failed restore's checkpoint data");
      return UpdateControl.noUpdate();
    }
    JobObservation obs = step.observation();
    if (obs.state() == JobObservation.State.SUCCEEDED) {
      b.update(
          RestoreStatuses.withCondition(
              st,
              Conditions.of(
                  ConditionTypes.PRUNE_COMPLETE,
                  TRUE,
                  Reason.PruneComplete,
                  "br abort restore finished"),
              now));
      b.event(EventType.NORMAL, Reason.PruneComplete, "br abort restore finished");
    } else if (obs.state() == JobObservation.State.FAILED) {
      String msg = "br abort restore failed: " + obs.failure();
      b.update(
          RestoreStatuses.withCondition(
              st, Conditions.of(ConditionTypes.PRUNE_FAILED, TRUE, Reason.PruneFailed, msg), now));
      b.event(EventType.WARNING, Reason.PruneFailed, msg);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * The prune cannot run, or its Job vanished: PruneFailed (the phase stays Failed) and a Warning.
   */
  private UpdateControl<Restore> pruneFailed(
      ReconcileContext<Restore, RestoreStatus> b, Restore restore, Reason reason, String message) {
    b.update(
        RestoreStatuses.withCondition(
            b.status(),
            Conditions.of(ConditionTypes.PRUNE_FAILED, TRUE, reason, message),
            b.now()));
    b.event(EventType.WARNING, Reason.PruneFailed, message);
    return UpdateControl.noUpdate();
  }
}
