package io.tidbbackup.operator.restore;

import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.cluster.ClusterNotFound;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.OwnedSecrets;
import io.tidbbackup.operator.job.RestoreJobBuilder;
import io.tidbbackup.operator.kernel.ReconcileContext;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.validation.RestoreValidator;
import java.time.Instant;
import java.util.Optional;

/**
 * A Restore's Job made: the cluster's facts resolved (a missing cluster retried), the spec checked
 * against the tool release they name, the SAS Secret and the Job created, the outcome said.
 */
final class RestoreJobStart {
  private final ToolJobs jobs;
  private final ClusterFactsResolver clusters;
  private final JobSettings settings;
  private final ReconcileIntervals intervals;

  RestoreJobStart(
      ToolJobs jobs,
      ClusterFactsResolver clusters,
      JobSettings settings,
      ReconcileIntervals intervals) {
    this.jobs = jobs;
    this.clusters = clusters;
    this.settings = settings;
    this.intervals = intervals;
  }

  UpdateControl<Restore> run(
      ReconcileContext<Restore, RestoreStatus> b, Restore restore, Context<Restore> ctx) {
    RestoreSpec spec = restore.getSpec();
    RestoreStatus st = b.status();
    Instant now = b.now();
    ClusterFacts facts;
    try {
      facts = clusters.resolve(restore, spec.br, spec.toolImage);
    } catch (ClusterNotFound e) {
      b.update(
          RestoreStatuses.withCondition(
              st,
              Conditions.of(ConditionTypes.RETRY_FAILED, TRUE, e.reason(), e.getMessage()),
              now));
      return UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.clusterRetry());
    }
    Optional<String> invalid = RestoreValidator.validate(spec, facts.tikvVersion());
    if (invalid.isPresent()) {
      b.update(RestoreStatuses.invalid(st, invalid.get(), now));
      return UpdateControl.noUpdate();
    }
    if (RestoreJobBuilder.sasSecret(restore) != null) {
      jobs.createOnce(OwnedSecrets.sasSecret(restore, "restore", spec.azblob.sasToken));
    }
    Job job = RestoreJobBuilder.build(restore, false, facts, settings);
    ToolJobs.Creation created;
    try {
      created = jobs.create(ctx, restore, job);
    } catch (KubernetesClientException e) {
      b.update(
          RestoreStatuses.withCondition(
              st,
              Conditions.of(
                  ConditionTypes.RETRY_FAILED,
                  TRUE,
                  Reason.CreateRestoreJobFailed,
                  "could not create Job " + job.getMetadata().getName() + ": " + e.getMessage()),
              now));
      throw e;
    }
    return switch (created.outcome()) {
      case CREATED -> {
        b.update(RestoreStatuses.scheduled(st, job.getMetadata().getName(), now));
        // look again even if the Job never changes (no pod can be created for it): StartWatch
        yield UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.startPoll());
      }
      case TAKEN -> {
        b.update(
            RestoreStatuses.withCondition(
                st,
                Conditions.of(
                    ConditionTypes.INVALID,
                    TRUE,
                    Reason.JobNameTaken,
                    created.takenMessage("Restore")),
                now));
        yield UpdateControl.noUpdate();
      }
      default -> UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.oldJob());
    };
  }
}
