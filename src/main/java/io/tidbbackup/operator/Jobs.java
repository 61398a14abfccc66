package io.tidbbackup.operator;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.tidbbackup.operator.job.JobObservation;
import java.util.List;

/** Reading, creating and deleting the tool Jobs a reconciler owns (and what they need): the client side of {@link JobObservation}. */
public final class Jobs {

  private Jobs() {}

  /** The Job and its pods, read as one observation. Pods are listed only once the Job has finished. */
  public static JobObservation observe(KubernetesClient client, Job job, String container) {
    JobObservation first = JobObservation.of(job, List.of(), container);
    if (first.state() != JobObservation.State.SUCCEEDED && first.state() != JobObservation.State.FAILED) {
      return first;
    }
    List<Pod> pods = client.pods().inNamespace(job.getMetadata().getNamespace())
        .withLabel("job-name", job.getMetadata().getName()).list().getItems();
    return JobObservation.of(job, pods, container);
  }

  /** Foreground: the Job stays until its pods are gone, so a retry never overlaps the old tool process. */
  public static void deleteForeground(KubernetesClient client, Job job) {
    client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
        .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
  }

  /** Creates an object a tool Job needs (the Secret with an inline SAS token), or replaces the one that is there. */
  public static void createOrReplace(KubernetesClient client, HasMetadata object) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      client.resource(object).update();
    }
  }

  /**
   * The Job of this name among the reconciled object's secondary resources that belongs to {@code owner} itself:
   * its controller owner reference carries the owner's UID (a Job without owner references, a clean Job, is matched
   * by name). A Job left by an earlier object of the same name, not yet removed by the garbage collector, is not
   * this object's: its result must never become this object's status.
   */
  public static <P extends HasMetadata> Job owned(Context<P> ctx, P owner, String name) {
    return ctx.getSecondaryResources(Job.class).stream().filter(j -> name.equals(j.getMetadata().getName()))
        .filter(j -> belongsTo(j, owner)).findFirst().orElse(null);
  }

  /** A Job of this name that belongs to another object (an earlier one of the same name), or null. */
  public static <P extends HasMetadata> Job foreign(Context<P> ctx, P owner, String name) {
    return ctx.getSecondaryResources(Job.class).stream().filter(j -> name.equals(j.getMetadata().getName()))
        .filter(j -> !belongsTo(j, owner)).findFirst().orElse(null);
  }

  /** Whether {@code job} has no owner references or a controller reference with {@code owner}'s UID. */
  public static boolean belongsTo(Job job, HasMetadata owner) {
    var refs = job.getMetadata().getOwnerReferences();
    if (refs == null || refs.isEmpty()) {
      return true;
    }
    return refs.stream().anyMatch(r -> Boolean.TRUE.equals(r.getController())
        && r.getUid().equals(owner.getMetadata().getUid()));
  }
}
