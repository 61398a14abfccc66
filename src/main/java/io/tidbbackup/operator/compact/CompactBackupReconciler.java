package io.tidbbackup.operator.compact;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.CompactStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.cluster.ClusterNotFound;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.CompactJobBuilder;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.kernel.PodStart;
import io.tidbbackup.operator.kernel.ReconcileContext;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.StatusWriter;
import io.tidbbackup.operator.validation.CompactValidator;
import java.util.List;
import java.util.Optional;

/**
 * Reconciles a CompactBackup: validate, create the Job {@code compact-<name>}, follow it to
 * Complete or Failed (the Job has already retried {@code maxRetryTimes}). Complete and Failed are
 * final.
 */
public class CompactBackupReconciler<C extends CompactBackup> implements Reconciler<C> {
  static final String CONTAINER = io.tidbbackup.api.AgentProtocol.COMPACT;

  private final StatusWriter writer;
  private final io.tidbbackup.operator.status.EventRecorder events;
  private final JobSettings settings;
  private final ClusterFactsResolver clusters;
  private final ToolJobs jobs;
  private final io.tidbbackup.operator.settings.ReconcileIntervals intervals;
  private final io.tidbbackup.operator.kernel.Throttle progressReads =
      new io.tidbbackup.operator.kernel.Throttle();

  private final Class<C> type;
  private final java.time.Clock clock;

  /** A reconciler of v1 or v2 CompactBackups, a class of its own for each. */
  public static Reconciler<? extends CompactBackup> of(
      io.tidbbackup.operator.surface.ApiSurface api, io.tidbbackup.operator.kernel.Dependencies d) {
    return switch (api) {
      case V1 -> new V1Compactions(d);
      case V2 -> new V2Compactions(d);
    };
  }

  /**
   * The reconciler of pingcap.com CompactBackups (a named class: JOSDK reads its type argument).
   */
  public static final class V1Compactions extends CompactBackupReconciler<CompactBackup> {
    V1Compactions(io.tidbbackup.operator.kernel.Dependencies d) {
      super(CompactBackup.class, d);
    }
  }

  /** The reconciler of br.pingcap.com CompactBackups. */
  public static final class V2Compactions
      extends CompactBackupReconciler<io.tidbbackup.api.v2.BrCompactBackup> {
    V2Compactions(io.tidbbackup.operator.kernel.Dependencies d) {
      super(io.tidbbackup.api.v2.BrCompactBackup.class, d);
    }
  }

  private CompactBackupReconciler(Class<C> type, io.tidbbackup.operator.kernel.Dependencies d) {
    this(
        type,
        d.writer(),
        d.events(),
        d.jobs(),
        d.settings().jobs(),
        d.clusters(),
        d.settings().intervals(),
        d.clock());
  }

  /**
   * @param type the CompactBackup class of the API group served
   */
  public CompactBackupReconciler(
      Class<C> type,
      StatusWriter writer,
      io.tidbbackup.operator.status.EventRecorder events,
      ToolJobs jobs,
      JobSettings settings,
      ClusterFactsResolver clusters,
      io.tidbbackup.operator.settings.ReconcileIntervals intervals,
      java.time.Clock clock) {
    this.type = type;
    this.clock = clock;
    this.writer = writer;
    this.events = events;
    this.settings = settings;
    this.clusters = clusters;
    this.jobs = jobs;
    this.intervals = intervals;
  }

  @Override
  public List<EventSource<?, C>> prepareEventSources(EventSourceContext<C> ctx) {
    var config =
        InformerEventSourceConfiguration.from(Job.class, type)
            .withLabelSelector(Names.jobSelector("compact"))
            .withItemStore(io.tidbbackup.operator.kernel.LeanItemStore.jobs())
            .withSecondaryToPrimaryMapper(io.tidbbackup.operator.kernel.Owners.mapper(type))
            .build();
    return List.of(new InformerEventSource<>(config, ctx));
  }

  @Override
  public UpdateControl<C> reconcile(C cb, Context<C> ctx) {
    return io.tidbbackup.operator.kernel.Owners.narrow(
        reconcileAny(cb, io.tidbbackup.operator.kernel.Owners.widen(ctx)));
  }

  private UpdateControl<CompactBackup> reconcileAny(CompactBackup cb, Context<CompactBackup> ctx) {
    if (ctx.isPrimaryResourceDeleted()) {
      writer.forget(cb.getMetadata().getUid());
      progressReads.forget(cb.getMetadata().getUid());
      return UpdateControl.noUpdate();
    }
    Compaction c = new Compaction(cb, ctx, writer, events, clock);
    try {
      return reconcile(c);
    } finally {
      c.flush(); // the one status write of this reconcile (also when an error is thrown)
    }
  }

  private UpdateControl<CompactBackup> reconcile(Compaction c) {
    CompactBackup cb = c.resource();
    Context<CompactBackup> ctx = c.josdk();
    var unreadable = io.tidbbackup.api.TolerantReading.problems(cb);
    if (unreadable.isPresent()) {
      c.update(
          CompactStatuses.invalid(
              c.status(),
              "this CompactBackup cannot be read: "
                  + unreadable.get()
                  + "; nothing is run for it"));
      return UpdateControl.noUpdate();
    }
    io.tidbbackup.api.CrdDefaults.apply(cb.getSpec());
    CompactStatus st = c.status();
    String state = st == null ? null : st.state;
    if (ConditionTypes.COMPLETE.equals(state) || ConditionTypes.FAILED.equals(state)) {
      return UpdateControl.noUpdate();
    }
    Optional<String> invalid = CompactValidator.validate(cb.getSpec());
    if (invalid.isPresent()) {
      c.update(CompactStatuses.invalid(st, invalid.get()));
      return UpdateControl.noUpdate();
    }
    boolean expected =
        ConditionTypes.SCHEDULED.equals(state) || ConditionTypes.RUNNING.equals(state);
    ToolJobs.Step step =
        jobs.step(ctx, cb, Names.compactJob(cb.getMetadata().getName()), CONTAINER, expected);
    switch (step.kind()) {
      case WAIT -> {
        return UpdateControl.<CompactBackup>noUpdate().rescheduleAfter(intervals.oldJob());
      }
      case TAKEN -> {
        c.update(CompactStatuses.invalid(st, step.takenMessage()));
        return UpdateControl.noUpdate();
      }
      case DELETED -> {
        c.update(CompactStatuses.failed(st, step.deletedMessage("compaction"), null, null));
        return UpdateControl.noUpdate();
      }
      case ABSENT -> {
        return createJob(c);
      }
      default -> {}
    }
    JobObservation obs = step.observation();
    switch (obs.state()) {
      case PENDING -> {
        return watchStart(c, step.job());
      }
      case RUNNING -> {
        return running(c, step.job(), obs);
      }
      case SUCCEEDED -> {
        progressReads.forget(cb.getMetadata().getUid());
        c.update(
            CompactStatuses.complete(
                CompactStatuses.indexes(st, step.job().getStatus().getCompletedIndexes(), null),
                cb.getSpec().endTs,
                obs.startTime(),
                obs.completionTime()));
      }
      case FAILED -> {
        progressReads.forget(cb.getMetadata().getUid());
        c.update(
            CompactStatuses.failed(
                st,
                "tikv-ctl compact-log-backup failed: " + obs.failure(),
                obs.startTime(),
                obs.completionTime()));
      }
    }
    return UpdateControl.noUpdate();
  }

  /**
   * A Job whose pod has not started: said in the status message (and one Warning event per cause)
   * once Kubernetes names why, failed with its Job deleted at the start deadline, looked at again
   * until then (nothing else wakes the reconcile while a pod waits).
   */
  private UpdateControl<CompactBackup> watchStart(Compaction c, Job job) {
    PodStart.Result r =
        PodStart.follow(
            c, jobs, job, settings.podStartDeadline(), intervals.startPoll(), IN_MESSAGE);
    return switch (r.state()) {
      // its pod runs but is not ready yet: the Job's next change brings the reconcile back
      case STARTED ->
          UpdateControl.<CompactBackup>noUpdate().rescheduleAfter(intervals.startPoll());
      case EXPIRED -> {
        c.update(
            CompactStatuses.failed(
                c.status(),
                "the compaction failed: " + r.watch().failure(settings.podStartDeadline()),
                null,
                null));
        jobs.deleteForeground(job);
        yield UpdateControl.noUpdate();
      }
      case WAITING -> UpdateControl.<CompactBackup>noUpdate().rescheduleAfter(r.recheck());
    };
  }

  /**
   * A CompactBackup's status has no conditions: a waiting pod is said in its message while it stays
   * Scheduled.
   */
  static final PodStart.Saying<CompactStatus> IN_MESSAGE =
      new PodStart.Saying<>() {
        @Override
        public boolean said(CompactStatus st, io.tidbbackup.operator.run.StartWatch w) {
          return st != null && w.condition("compaction").message.equals(st.message);
        }

        @Override
        public CompactStatus waiting(
            CompactStatus st, io.tidbbackup.operator.run.StartWatch w, java.time.Instant now) {
          return CompactStatuses.with(
              st, ConditionTypes.SCHEDULED, w.condition("compaction").message);
        }

        @Override
        public CompactStatus started(CompactStatus st, java.time.Instant now) {
          return null;
        }
      };

  /**
   * A running compaction: the shards done and failed (an Indexed Job's completedIndexes and
   * failedIndexes) at every Job change, and, every progressPoll, tikv-ctl's progress read from the
   * pod's log (one pod's: a sharded compaction says how many shards are done instead).
   */
  private UpdateControl<CompactBackup> running(Compaction c, Job job, JobObservation obs) {
    CompactBackup cb = c.resource();
    CompactStatus n = CompactStatuses.running(c.status(), obs.startTime());
    var js = job.getStatus();
    n =
        CompactStatuses.indexes(
            n,
            js == null ? null : js.getCompletedIndexes(),
            js == null ? null : js.getFailedIndexes());
    java.time.Duration wait =
        progressReads.wait(cb.getMetadata().getUid(), c.now(), intervals.progressPoll());
    if (wait == null) {
      Integer shards = cb.getSpec().shardCount;
      if ("sharded".equals(cb.getSpec().mode) && shards != null) {
        n = CompactStatuses.shardProgress(n, shards);
      } else {
        var steps = jobs.reported(job, CONTAINER).steps();
        if (!steps.isEmpty() && steps.get(steps.size() - 1).detail() != null) {
          n = CompactStatuses.progress(n, steps.get(steps.size() - 1).detail());
        }
      }
    }
    c.update(n);
    return UpdateControl.<CompactBackup>noUpdate()
        .rescheduleAfter(wait != null ? wait : intervals.progressPoll());
  }

  private UpdateControl<CompactBackup> createJob(Compaction c) {
    CompactBackup cb = c.resource();
    Context<CompactBackup> ctx = c.josdk();
    CompactStatus st = c.status();
    ClusterFacts facts;
    try {
      facts = clusters.resolve(cb, cb.getSpec().br, cb.getSpec().tikvImage);
    } catch (ClusterNotFound e) {
      c.update(CompactStatuses.with(st, ConditionTypes.RETRY_FAILED, e.getMessage()));
      return UpdateControl.<CompactBackup>noUpdate().rescheduleAfter(intervals.clusterRetry());
    }
    Optional<String> unsupported = CompactValidator.validateTool(cb.getSpec(), facts.tikvVersion());
    if (unsupported.isPresent()) {
      c.update(CompactStatuses.invalid(st, unsupported.get()));
      return UpdateControl.noUpdate();
    }
    ToolJobs.Creation created = jobs.create(ctx, cb, CompactJobBuilder.build(cb, facts, settings));
    return switch (created.outcome()) {
      case CREATED -> {
        c.update(CompactStatuses.scheduled(st, created.name()));
        yield UpdateControl.noUpdate();
      }
      case TAKEN -> {
        c.update(CompactStatuses.invalid(st, created.takenMessage("CompactBackup")));
        yield UpdateControl.noUpdate();
      }
      default -> UpdateControl.<CompactBackup>noUpdate().rescheduleAfter(intervals.oldJob());
    };
  }

  /** One reconcile of one CompactBackup: the kernel's context, its status written once. */
  static final class Compaction extends ReconcileContext<CompactBackup, CompactStatus> {
    Compaction(
        CompactBackup cb,
        Context<CompactBackup> ctx,
        StatusWriter writer,
        io.tidbbackup.operator.status.EventRecorder events,
        java.time.Clock clock) {
      super(cb, ctx, writer, events, clock);
    }
  }
}
