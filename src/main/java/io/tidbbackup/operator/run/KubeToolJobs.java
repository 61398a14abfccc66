package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tidbbackup.operator.job.Names;

/** The {@link ToolJobs} of the API server: one for the whole operator. */
public final class KubeToolJobs implements ToolJobs {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KubeToolJobs.class);

  private final KubernetesClient client;
  private final JobPods pods;

  /** One for the whole operator: it holds the watches of FailedCreate events. */
  public KubeToolJobs(KubernetesClient client) {
    this.client = client;
    this.pods = new JobPods(client, new FailedCreates(client));
  }

  /**
   * Where the Job {@code name} of {@code owner} stands.
   *
   * @param container the agent's container, whose termination message is the result
   * @param expected whether the status says this Job was created and has not finished: a missing
   *     Job is then one that was deleted ({@link Kind#DELETED}), not one to create. {@link #create}
   *     puts a new Job into the informer's cache, so a reconcile right after it sees the Job.
   */
  @Override
  public <P extends HasMetadata> Step step(
      Context<P> ctx, P owner, String name, String container, boolean expected) {
    Job job = ToolJobs.owned(ctx, owner, name);
    if (job != null) {
      if (job.getMetadata().getDeletionTimestamp() != null) {
        return new Step(Kind.WAIT, name, job, null, null);
      }
      return new Step(Kind.OBSERVED, name, job, observe(job, container), null);
    }
    Job other =
        ctx.getSecondaryResources(Job.class).stream()
            .filter(j -> name.equals(j.getMetadata().getName()))
            .findFirst()
            .orElse(null);
    if (other != null) {
      return foreign(owner, other);
    }
    if (expected) {
      LOG.info(
          "{} {}/{}: Job {} was deleted before it finished: the run is Failed (JobDeleted)",
          owner.getKind(),
          owner.getMetadata().getNamespace(),
          owner.getMetadata().getName(),
          name);
      return new Step(Kind.DELETED, name, null, null, null);
    }
    return new Step(Kind.ABSENT, name, null, null, null);
  }

  /**
   * Creates {@code job} for {@code owner}. A Job of the same name that is there already is
   * classified as {@link #step} would: this object's own (CREATED: the cache had not seen it yet),
   * an earlier object's (WAIT), or another's (TAKEN, never taken as success). A namespace being
   * deleted refuses every create (NAMESPACE_TERMINATING). Any other error is thrown for JOSDK to
   * retry.
   */
  @Override
  public <P extends HasMetadata> Creation create(Context<P> ctx, P owner, Job job) {
    String name = job.getMetadata().getName();
    try {
      Job created = client.resource(job).create();
      remember(ctx, owner, created);
      LOG.info(
          "{} {}/{}: created Job {}",
          owner.getKind(),
          owner.getMetadata().getNamespace(),
          owner.getMetadata().getName(),
          name);
      return new Creation(Created.CREATED, name, null);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 && String.valueOf(e.getMessage()).contains("terminat")) {
        return new Creation(Created.NAMESPACE_TERMINATING, name, null);
      }
      if (e.getCode() != 409) {
        throw e;
      }
    }
    // a list by name, not a get: the operator's RBAC grants the informers' list and watch on Jobs
    Job there =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(owner.getMetadata().getNamespace())
            .withField("metadata.name", name)
            .list()
            .getItems()
            .stream()
            .filter(j -> name.equals(j.getMetadata().getName()))
            .findFirst()
            .orElse(null);
    if (there == null) {
      return new Creation(Created.WAIT, name, null); // deleted in between: try again
    }
    if (ToolJobs.belongsTo(there, owner)) {
      remember(ctx, owner, there);
      return new Creation(Created.CREATED, name, null);
    }
    Step s = foreign(owner, there);
    return s.kind() == Kind.WAIT
        ? new Creation(Created.WAIT, name, null)
        : new Creation(Created.TAKEN, name, s.holder());
  }

  /**
   * A Job of this name that is not {@code owner}'s. An earlier object's (same kind and name,
   * another UID) is waited for: the garbage collector removes a Job whose owner is gone; a clean
   * Job has no owner reference, so an earlier Backup's clean Job is deleted here (stopping a clean
   * nobody waits for never loses data). Anything else holds the name.
   */
  private <P extends HasMetadata> Step foreign(P owner, Job job) {
    String name = job.getMetadata().getName();
    OwnerReference ref = JobOwnership.controller(job);
    String ns = owner.getMetadata().getNamespace();
    if (!JobOwnership.ofEarlierObject(job, owner)) {
      String holder = JobOwnership.holder(job, owner);
      LOG.warn(
          "{} {}/{}: Job name {} is taken by {}",
          owner.getKind(),
          ns,
          owner.getMetadata().getName(),
          name,
          holder);
      return new Step(Kind.TAKEN, name, job, null, holder);
    }
    String uid =
        ref != null ? ref.getUid() : JobOwnership.annotation(job, Names.BACKUP_UID_ANNOTATION);
    if (ref == null && job.getMetadata().getDeletionTimestamp() == null) {
      LOG.info(
          "{} {}/{}: deleting Job {} left by an earlier object of the same name (uid {})",
          owner.getKind(),
          ns,
          owner.getMetadata().getName(),
          name,
          uid);
      deleteForeground(job);
    } else {
      LOG.info(
          "{} {}/{}: waiting for Job {} of an earlier object of the same name (uid {}) to be removed",
          owner.getKind(),
          ns,
          owner.getMetadata().getName(),
          name,
          uid);
    }
    return new Step(Kind.WAIT, name, job, null, null);
  }

  /** The next reconcile sees a Job just created, even before the informer's watch delivers it. */
  private static <P extends HasMetadata> void remember(Context<P> ctx, P owner, Job job) {
    try {
      var source = ctx.eventSourceRetriever().getEventSourceFor(Job.class);
      if (source instanceof InformerEventSource<?, ?> informer) {
        @SuppressWarnings("unchecked")
        InformerEventSource<Job, P> jobs = (InformerEventSource<Job, P>) informer;
        jobs.handleRecentResourceCreate(ResourceID.fromResource(owner), job);
      }
    } catch (RuntimeException e) {
      // no Job event source (a testing context): the status records the creation and the watch
      // delivers the Job
      LOG.debug(
          "no Job event source to remember {}: {}", job.getMetadata().getName(), e.getMessage());
    }
  }

  /**
   * The Job and its pods, read as one observation. Pods are listed only once the Job has finished.
   */
  @Override
  public JobObservation observe(Job job, String container) {
    return pods.observe(job, container);
  }

  /**
   * Whether the pod of an unfinished Job has started, and what that means ({@link StartWatch};
   * null: it started or the Job finished).
   */
  @Override
  public StartWatch startWatch(Job job, java.time.Duration startDeadline, java.time.Instant now) {
    return pods.startWatch(job, startDeadline, now);
  }

  /** The progress of each step the agent of the Job's newest pod has printed. */
  @Override
  public io.tidbbackup.api.AgentProtocol.Reported reported(Job job, String container) {
    return pods.reported(job, container);
  }

  /** Deletes a Job that has ended (its pod no longer runs): nothing to wait for. */
  @Override
  public void delete(Job job) {
    named(job).delete();
  }

  /**
   * Foreground: the Job stays until its pods are gone, so a retry never overlaps the old tool
   * process.
   */
  @Override
  public void deleteForeground(Job job) {
    named(job).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
  }

  /**
   * Creates an object a tool Job needs (the Secret with an inline SAS token) unless it is there:
   * its name is bound to its content, so one that exists is the same (no get, no update).
   */
  @Override
  public void createOnce(HasMetadata object) {
    try {
      client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** The last {@code lines} lines of the log of the Job's newest pod, or null. */
  @Override
  public String logTail(Job job, String container, int lines) {
    return pods.logTail(job, container, lines);
  }

  private io.fabric8.kubernetes.client.dsl.ScalableResource<Job> named(Job job) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName());
  }
}
