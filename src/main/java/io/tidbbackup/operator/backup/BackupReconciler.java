package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.job.BackupJobBuilder;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.JobObservation;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.job.OwnedSecrets;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.StatusWriter;
import io.tidbbackup.operator.CleanJobPolicy;
import io.tidbbackup.operator.ToolJobs;
import io.tidbbackup.storage.CleanMetrics;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Map;
import java.util.Set;
import io.tidbbackup.operator.validation.BackupValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reconciles a Backup: observe the Job it owns, validate the spec, act (create a Job, record the outcome,
 * retry a failed Job under backoffRetryPolicy). Complete and Failed snapshot backups are final.
 */
public class BackupReconciler implements Reconciler<Backup> {
  static final String CONTAINER = io.tidbbackup.api.AgentProtocol.BACKUP;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupReconciler.class);
  static final Duration CLUSTER_RETRY = Duration.ofSeconds(30);
  static final Duration LOG_WAIT = Duration.ofSeconds(10);

  private final Clock clock;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final JobSettings settings;
  private final CleanJobPolicy cleanPolicy;
  private final ClusterFactsResolver clusters;
  private final KubernetesClient client;
  private final InProcessCleaner inProcess;
  private final CleanMetrics metrics;
  private final ToolJobs jobs;

  public BackupReconciler(KubernetesClient client, Clock clock, StatusWriter writer, EventRecorder events,
      JobSettings settings, CleanJobPolicy cleanPolicy, ClusterFactsResolver clusters, InProcessCleaner inProcess,
      CleanMetrics metrics) {
    this.client = client;
    this.clock = clock;
    this.writer = writer;
    this.events = events;
    this.settings = settings;
    this.cleanPolicy = cleanPolicy;
    this.clusters = clusters;
    this.inProcess = inProcess;
    this.metrics = metrics;
    this.jobs = new ToolJobs(client);
  }

  @Override
  public List<EventSource<?, Backup>> prepareEventSources(EventSourceContext<Backup> ctx) {
    var config = InformerEventSourceConfiguration.from(Job.class, Backup.class)
        .withLabelSelector(Names.jobSelector("backup"))
        .withSecondaryToPrimaryMapper(BackupReconciler::backupOf)
        .build();
    return List.of(new InformerEventSource<>(config, ctx));
  }

  /** A Job belongs to the Backup that owns it, or (clean Jobs, which have no owner) that its annotation names. */
  static Set<ResourceID> backupOf(Job job) {
    Set<ResourceID> owners = OWNERS.toPrimaryResourceIDs(job);
    if (!owners.isEmpty()) {
      return owners;
    }
    Map<String, String> a = job.getMetadata().getAnnotations();
    String name = a == null ? null : a.get(Names.BACKUP_ANNOTATION);
    return name == null ? Set.of() : Set.of(new ResourceID(name, job.getMetadata().getNamespace()));
  }

  private static final SecondaryToPrimaryMapper<Job> OWNERS = Mappers.fromOwnerReferences(Backup.class);

  @Override
  public UpdateControl<Backup> reconcile(Backup input, Context<Backup> ctx) {
    if (ctx.isPrimaryResourceDeleted()) {
      // gone without our release (its finalizer removed by hand): nobody waits for its in-process clean any more
      inProcess.stop(input.getMetadata().getUid());
      inProcess.forget(input.getMetadata().getUid());
      return UpdateControl.noUpdate();
    }
    if (input.isMarkedForDeletion()) {
      return new BackupCleanFlow(this, input, ctx).run();
    }
    Backup backup = ensureFinalizer(input, ctx);
    BackupSpec spec = backup.getSpec();
    if (spec != null && spec.backupMode == BackupMode.LOG) {
      return new LogBackupFlow(this, backup, ctx).run();
    }
    BackupStatus st = backup.getStatus();
    String phase = st == null ? null : st.phase;
    if (ConditionTypes.COMPLETE.equals(phase) || ConditionTypes.FAILED.equals(phase)) {
      return UpdateControl.noUpdate();
    }
    Optional<String> invalid = BackupValidator.validate(spec, null);
    if (invalid.isPresent()) {
      writer.write(backup, ctx, BackupStatuses.invalid(st, invalid.get(), now()));
      return UpdateControl.noUpdate();
    }
    String jobName = Names.backupJob(backup.getMetadata().getName(), null);
    boolean expected = st != null && (ConditionTypes.SCHEDULED.equals(st.phase)
        || ConditionTypes.RUNNING.equals(st.phase));
    ToolJobs.Step step = jobs.step(ctx, backup, jobName, CONTAINER, expected);
    switch (step.kind()) {
      case WAIT -> {
        return UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
      }
      case TAKEN -> {
        writer.write(backup, ctx, BackupStatuses.withCondition(st, Conditions.of(ConditionTypes.INVALID,
            ConditionTypes.TRUE, "JobNameTaken", step.takenMessage()), now()));
        return UpdateControl.noUpdate();
      }
      case DELETED -> {
        // running it again would put a second BR beside a process that may still be writing to the prefix
        writer.write(backup, ctx, BackupStatuses.failed(st, null, "JobDeleted", step.deletedMessage("backup"), now()));
        return UpdateControl.noUpdate();
      }
      case ABSENT -> {
        return createJob(backup, ctx, null);
      }
      default -> {
        return observeSnapshotJob(backup, ctx, step.job(), step.observation());
      }
    }
  }

  private UpdateControl<Backup> observeSnapshotJob(Backup backup, Context<Backup> ctx, Job job, JobObservation obs) {
    BackupStatus st = backup.getStatus();
    if (isGoingAway(job, st)) {
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
    }
    Instant now = now();
    switch (obs.state()) {
      case PENDING -> {
        if (st == null || st.phase == null || ConditionTypes.RETRY_FAILED.equals(st.phase)) {
          writer.write(backup, ctx, BackupStatuses.scheduled(st, null, BackupJobBuilder.backupPath(backup),
              job.getMetadata().getName(), now));
        }
        return UpdateControl.noUpdate();
      }
      case RUNNING -> {
        writer.write(backup, ctx, BackupStatuses.running(st, null, obs.startTime(), now));
        return UpdateControl.noUpdate();
      }
      case SUCCEEDED -> {
        writer.write(backup, ctx, BackupStatuses.complete(st, obs.result(), obs.startTime(), obs.completionTime(), now));
        return UpdateControl.noUpdate();
      }
      default -> {
        return onFailedJob(backup, ctx, job, obs, now);
      }
    }
  }

  private UpdateControl<Backup> onFailedJob(Backup backup, Context<Backup> ctx, Job job, JobObservation obs,
      Instant now) {
    BackupStatus st = backup.getStatus();
    String tool = backup.getSpec().br == null ? "Dumpling" : "BR";
    var pending = BackupStatuses.pendingRetry(st);
    if (pending != null) {
      Instant at = Timestamps.parse(pending.expectedRetryAt);
      if (now.isBefore(at)) {
        return UpdateControl.<Backup>noUpdate().rescheduleAfter(Duration.between(now, at));
      }
      jobs.deleteForeground(job);
      writer.write(backup, ctx, BackupStatuses.retrying(st, now));
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
    }
    String failure = tool + " failed: " + obs.failure();
    var decision = BackoffRetry.onFailure(backup.getSpec().backoffRetryPolicy, st == null ? null : st.backoffRetryStatus,
        now, shorten(failure, 256));
    if (decision.giveUp() != null) {
      writer.write(backup, ctx, BackupStatuses.failed(st, null, "BackupFailed", failure + " (" + decision.giveUp() + ")",
          now));
      return UpdateControl.noUpdate();
    }
    decision.retry().failedJobUID = job.getMetadata().getUid();
    writer.write(backup, ctx, BackupStatuses.retryScheduled(st, decision.retry(), failure, now));
    Instant at = Timestamps.parse(decision.retry().expectedRetryAt);
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(Duration.between(now, at).plusMillis(100));
  }

  /** Adds the finalizer where cleanPolicy (or log mode) needs one; removes it when the policy became Retain. */
  Backup ensureFinalizer(Backup backup, Context<Backup> ctx) {
    boolean has = backup.hasFinalizer(ApiConstants.BACKUP_PROTECTION_FINALIZER);
    boolean needs = CleanPolicies.needsFinalizer(backup.getSpec());
    if (needs && !has) {
      return PrimaryUpdateAndCacheUtils.addFinalizer(ctx, ApiConstants.BACKUP_PROTECTION_FINALIZER);
    }
    if (!needs && has) {
      return PrimaryUpdateAndCacheUtils.removeFinalizer(ctx, ApiConstants.BACKUP_PROTECTION_FINALIZER);
    }
    return backup;
  }

  void releaseFinalizer(Backup backup, Context<Backup> ctx) {
    if (backup.hasFinalizer(ApiConstants.BACKUP_PROTECTION_FINALIZER)) {
      PrimaryUpdateAndCacheUtils.removeFinalizer(client, backup, ApiConstants.BACKUP_PROTECTION_FINALIZER);
    }
  }

  /** Creates the Job for a snapshot backup (log == null) or one log subcommand, and records Scheduled. */
  UpdateControl<Backup> createJob(Backup backup, Context<Backup> ctx, LogSubCommand log) {
    BackupSpec spec = backup.getSpec();
    BackupStatus st = backup.getStatus();
    String command = log == null ? null : log.value();
    Instant now = now();
    ClusterFacts facts;
    try {
      facts = clusters.resolve(backup.getMetadata().getNamespace(), spec.br, spec.toolImage);
    } catch (ClusterFactsResolver.ClusterNotFound e) {
      writer.write(backup, ctx, BackupStatuses.withCondition(st, Conditions.ofCommand(command,
          ConditionTypes.RETRY_FAILED, ConditionTypes.TRUE, "TidbClusterNotFound", e.getMessage()), now));
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(CLUSTER_RETRY);
    }
    Optional<String> invalid = BackupValidator.validate(spec, facts.tikvVersion());
    if (invalid.isPresent()) {
      writer.write(backup, ctx, BackupStatuses.invalid(st, invalid.get(), now));
      return UpdateControl.noUpdate();
    }
    if (spec.azblob != null && spec.azblob.sasToken != null && !spec.azblob.sasToken.isEmpty()) {
      jobs.createOrReplace(OwnedSecrets.sasSecret(backup, "backup", spec.azblob.sasToken));
    }
    Job job = BackupJobBuilder.build(backup, log, facts, settings);
    ToolJobs.Creation created;
    try {
      created = jobs.create(ctx, backup, job);
    } catch (KubernetesClientException e) {
      writer.write(backup, ctx, BackupStatuses.withCondition(st, Conditions.ofCommand(command,
          ConditionTypes.RETRY_FAILED, ConditionTypes.TRUE, "CreateBackupJobFailed",
          "could not create Job " + job.getMetadata().getName() + ": " + e.getMessage()), now));
      throw e;
    }
    switch (created.outcome()) {
      case WAIT -> {
        return UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
      }
      case TAKEN -> {
        writer.write(backup, ctx, BackupStatuses.withCondition(st, Conditions.ofCommand(command,
            ConditionTypes.INVALID, ConditionTypes.TRUE, "JobNameTaken", "Job " + created.name()
                + " already exists and belongs to " + created.holder() + ": rename this Backup"), now));
        return UpdateControl.noUpdate();
      }
      case NAMESPACE_TERMINATING -> {
        LOG.info("Backup {}/{}: namespace is terminating; Job {} cannot be created", backup.getMetadata().getNamespace(),
            backup.getMetadata().getName(), created.name());
        return UpdateControl.noUpdate();
      }
      default -> { }
    }
    if (log == null) {
      writer.write(backup, ctx, BackupStatuses.scheduled(st, null, BackupJobBuilder.backupPath(backup),
          job.getMetadata().getName(), now));
    } else {
      writer.write(backup, ctx, LogStatuses.scheduled(st, log, spec, BackupJobBuilder.backupPath(backup),
          job.getMetadata().getName(), now));
    }
    return UpdateControl.noUpdate();
  }

  JobObservation observe(Job job) {
    return jobs.observe(job, CONTAINER);
  }

  ToolJobs jobs() {
    return jobs;
  }

  /** A Job being deleted, or a failed one whose retry has begun (a stale cache entry of the Job it deleted). */
  static boolean isGoingAway(Job job, BackupStatus st) {
    if (job.getMetadata().getDeletionTimestamp() != null) {
      return true;
    }
    // identified by UID, never by comparing our clock with the API server's creationTimestamp
    String uid = job.getMetadata().getUid();
    return st != null && st.backoffRetryStatus != null && st.backoffRetryStatus.stream()
        .anyMatch(r -> r.realRetryAt != null && uid != null && uid.equals(r.failedJobUID));
  }

  static String shorten(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "…";
  }

  Instant now() {
    return clock.instant();
  }

  StatusWriter writer() {
    return writer;
  }

  EventRecorder events() {
    return events;
  }

  KubernetesClient client() {
    return client;
  }

  JobSettings settings() {
    return settings;
  }

  CleanJobPolicy cleanPolicy() {
    return cleanPolicy;
  }

  InProcessCleaner inProcess() {
    return inProcess;
  }

  CleanMetrics metrics() {
    return metrics;
  }
}
