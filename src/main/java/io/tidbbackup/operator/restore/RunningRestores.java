package io.tidbbackup.operator.restore;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.surface.ApiSurface;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TiDB Operator v2's hold on a running Restore ({@link ApiSurface#holdsRunningRestores()}): its
 * finalizer is on while the Restore is neither Complete nor Failed; a Restore deleted meanwhile has
 * its Job stopped (never left writing into the cluster unwatched) and is then released.
 */
final class RunningRestores {
  private static final Logger LOG = LoggerFactory.getLogger(RunningRestores.class);

  private RunningRestores() {}

  static boolean finished(RestoreStatus st) {
    return st != null
        && (ConditionTypes.COMPLETE.equals(st.phase) || ConditionTypes.FAILED.equals(st.phase));
  }

  /** The Restore with the finalizer on (added if missing). */
  static Restore hold(Restore restore, Context<Restore> ctx) {
    String f = ApiSurface.of(restore).finalizer();
    return restore.hasFinalizer(f) ? restore : PrimaryUpdateAndCacheUtils.addFinalizer(ctx, f);
  }

  /** Finished: the finalizer comes off. */
  static void release(KubernetesClient client, Restore stored) {
    String f = ApiSurface.of(stored).finalizer();
    if (stored.hasFinalizer(f)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(client, stored, f);
      LOG.info("{} released: it is {}", describe(stored), stored.getStatus().phase);
    }
  }

  /**
   * Deleted while held: its own Job (by UID, from the informer's cache: the operator may not get
   * Jobs) is deleted, then the Restore released.
   */
  static void stop(
      KubernetesClient client, EventRecorder events, Restore restore, Context<Restore> ctx) {
    String jobName = io.tidbbackup.operator.job.Names.restoreJob(restore.getMetadata().getName());
    Job job =
        ctx.getSecondaryResources(Job.class).stream()
            .filter(j -> jobName.equals(j.getMetadata().getName()))
            .findFirst()
            .orElse(null);
    boolean ours =
        job != null
            && job.getMetadata().getOwnerReferences() != null
            && job.getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> restore.getMetadata().getUid().equals(r.getUid()));
    if (ours && !finished(restore.getStatus())) {
      client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      String msg =
          "the Restore was deleted while it ran: its Job "
              + jobName
              + " was stopped; the cluster may hold part of the restored data";
      LOG.warn("{}: {}", describe(restore), msg);
      events.record(restore, EventType.WARNING, Reason.RestoreStopped, msg);
    }
    String f = ApiSurface.of(restore).finalizer();
    PrimaryUpdateAndCacheUtils.removeFinalizer(client, restore, f);
    LOG.info("{} released after its deletion", describe(restore));
  }

  private static String describe(Restore r) {
    return ApiSurface.of(r).qualified("Restore")
        + " "
        + r.getMetadata().getNamespace()
        + "/"
        + r.getMetadata().getName();
  }
}
