package io.tidbbackup.operator.restore;

import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.PruneType;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.kernel.ReconcileContext;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.status.StatusWriter;
import io.tidbbackup.operator.validation.RestoreValidator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reconciles a Restore: observe the Job it owns, validate the spec, act (create the Job, record the
 * outcome). A failed Job has already had its {@code spec.backoffLimit} retries, so the restore is
 * Failed; with {@code prune: afterFailed} a {@code br abort restore} Job then removes BR's
 * checkpoint data. Complete and Failed are final: a restore never runs twice.
 */
public class RestoreReconciler<R extends Restore> implements Reconciler<R> {

  static final String CONTAINER = io.tidbbackup.api.AgentProtocol.RESTORE;

  private final KubernetesClient client;
  private final Clock clock;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final JobSettings settings;
  private final ClusterFactsResolver clusters;
  private final ToolJobs jobs;
  private final io.tidbbackup.operator.settings.ReconcileIntervals intervals;

  private final Class<R> type;
  private final RestorePrune prune;
  private final RestoreJobStart start;
  private final RestoreRun run;
  private final RestoreSources sources;

  /** A reconciler of v1 or v2 Restores, a class of its own for each (JOSDK's type argument). */
  public static Reconciler<? extends Restore> of(
      io.tidbbackup.operator.surface.ApiSurface api, io.tidbbackup.operator.kernel.Dependencies d) {
    return switch (api) {
      case V1 -> new V1Restores(d);
      case V2 -> new V2Restores(d);
    };
  }

  /** The reconciler of pingcap.com Restores (a named class: JOSDK reads its type argument). */
  public static final class V1Restores extends RestoreReconciler<Restore> {
    V1Restores(io.tidbbackup.operator.kernel.Dependencies d) {
      super(Restore.class, d);
    }
  }

  /** The reconciler of br.pingcap.com Restores. */
  public static final class V2Restores extends RestoreReconciler<io.tidbbackup.api.v2.BrRestore> {
    V2Restores(io.tidbbackup.operator.kernel.Dependencies d) {
      super(io.tidbbackup.api.v2.BrRestore.class, d);
    }
  }

  private RestoreReconciler(Class<R> type, io.tidbbackup.operator.kernel.Dependencies d) {
    this(
        type,
        d.client(),
        d.clock(),
        d.writer(),
        d.events(),
        d.jobs(),
        d.settings().jobs(),
        d.clusters(),
        d.settings().intervals(),
        d.preflight());
  }

  /**
   * @param type the Restore class of the API group served
   */
  public RestoreReconciler(
      Class<R> type,
      KubernetesClient client,
      Clock clock,
      StatusWriter writer,
      EventRecorder events,
      ToolJobs jobs,
      JobSettings settings,
      ClusterFactsResolver clusters,
      io.tidbbackup.operator.settings.ReconcileIntervals intervals) {
    this(
        type,
        client,
        clock,
        writer,
        events,
        jobs,
        settings,
        clusters,
        intervals,
        new io.tidbbackup.operator.run.StoragePreflight());
  }

  /**
   * @param preflight the storage listings made before a Job of a Restore with spec.backupSource
   */
  public RestoreReconciler(
      Class<R> type,
      KubernetesClient client,
      Clock clock,
      StatusWriter writer,
      EventRecorder events,
      ToolJobs jobs,
      JobSettings settings,
      ClusterFactsResolver clusters,
      io.tidbbackup.operator.settings.ReconcileIntervals intervals,
      io.tidbbackup.operator.run.StoragePreflight preflight) {
    this.type = type;
    this.client = client;
    this.clock = clock;
    this.writer = writer;
    this.events = events;
    this.settings = settings;
    this.clusters = clusters;
    this.jobs = jobs;
    this.intervals = intervals;
    this.sources = new RestoreSources(client, preflight, intervals);
    this.prune = new RestorePrune(jobs, clusters, settings, intervals, sources);
    this.start = new RestoreJobStart(jobs, clusters, settings, intervals);
    this.run = new RestoreRun(jobs, settings, intervals, prune);
  }

  @Override
  public List<EventSource<?, R>> prepareEventSources(EventSourceContext<R> ctx) {
    var config =
        InformerEventSourceConfiguration.from(Job.class, type)
            .withLabelSelector(Names.jobSelector("restore"))
            .withItemStore(io.tidbbackup.operator.kernel.LeanItemStore.jobs())
            .withSecondaryToPrimaryMapper(io.tidbbackup.operator.kernel.Owners.mapper(type))
            .build();
    return List.of(new InformerEventSource<>(config, ctx));
  }

  @Override
  public UpdateControl<R> reconcile(R restore, Context<R> ctx) {
    return io.tidbbackup.operator.kernel.Owners.narrow(
        reconcileAny(restore, io.tidbbackup.operator.kernel.Owners.widen(ctx)));
  }

  private UpdateControl<Restore> reconcileAny(Restore input, Context<Restore> ctx) {
    if (ctx.isPrimaryResourceDeleted()) {
      // gone: nothing to do but forget it
      writer.forget(input.getMetadata().getUid());
      run.forget(input.getMetadata().getUid());
      return UpdateControl.noUpdate();
    }
    var api = io.tidbbackup.operator.surface.ApiSurface.of(input);
    if (input.isMarkedForDeletion()) {
      if (api.holdsRunningRestores() && input.hasFinalizer(api.finalizer())) {
        RunningRestores.stop(client, events, input, ctx);
      }
      return UpdateControl.noUpdate();
    }
    Restore restore =
        api.holdsRunningRestores() && !RunningRestores.finished(input.getStatus())
            ? RunningRestores.hold(input, ctx)
            : input;
    ReconcileContext<Restore, RestoreStatus> b =
        new ReconcileContext<>(restore, ctx, writer, events, clock);
    try {
      return reconcileHeld(b, restore, ctx);
    } finally {
      if (api.holdsRunningRestores() && RunningRestores.finished(b.status())) {
        RunningRestores.release(client, b.resource());
      }
    }
  }

  private UpdateControl<Restore> reconcileHeld(
      ReconcileContext<Restore, RestoreStatus> b, Restore restore, Context<Restore> ctx) {
    var unreadable = io.tidbbackup.api.TolerantReading.problems(restore);
    if (unreadable.isPresent()) {
      b.update(
          RestoreStatuses.invalid(
              b.status(),
              "this Restore cannot be read: " + unreadable.get() + "; nothing is run for it",
              b.now()));
      b.flush();
      return UpdateControl.noUpdate();
    }
    io.tidbbackup.api.CrdDefaults.apply(restore.getSpec());
    try {
      UpdateControl<Restore> control = reconcile(b, restore, ctx);
      if (b.status() != null
          && io.tidbbackup.operator.status.ReconcileErrors.pending(b.status().conditions)) {
        b.update(
            RestoreStatuses.withCondition(
                b.status(), io.tidbbackup.operator.status.ReconcileErrors.recovered(), b.now()));
      }
      return control;
    } finally {
      b.flush(); // the one status write of this reconcile (also when an error is thrown)
    }
  }

  /**
   * A reconcile that threw: the error is said in ReconcileError (one Warning per distinct error)
   * while JOSDK retries with capped backoff.
   */
  @Override
  @SuppressWarnings("unchecked")
  public io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl<R> updateErrorStatus(
      R restore, Context<R> ctx, Exception e) {
    return (io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl<R>)
        (Object)
            io.tidbbackup.operator.status.ReconcileErrors.record(
                (Restore) restore,
                io.tidbbackup.operator.kernel.Owners.<Restore, R>widen(ctx),
                e,
                writer,
                events,
                (st, c) -> RestoreStatuses.withCondition(st, c, clockNow()));
  }

  private UpdateControl<Restore> reconcile(
      ReconcileContext<Restore, RestoreStatus> b, Restore restore, Context<Restore> ctx) {
    RestoreStatus st = b.status();
    String phase = st == null ? null : st.phase;
    if (ConditionTypes.COMPLETE.equals(phase)) {
      return UpdateControl.noUpdate();
    }
    if (ConditionTypes.FAILED.equals(phase)) {
      return restore.getSpec() != null
              && restore.getSpec().prune == PruneType.AFTER_FAILED
              && !neverStarted(st)
          ? prune.run(b, restore, ctx)
          : UpdateControl.noUpdate();
    }
    Optional<String> invalid = RestoreValidator.validate(restore.getSpec(), null);
    if (invalid.isPresent()) {
      b.update(RestoreStatuses.invalid(st, invalid.get(), b.now()));
      return UpdateControl.noUpdate();
    }
    boolean expected =
        ConditionTypes.SCHEDULED.equals(phase) || ConditionTypes.RUNNING.equals(phase);
    ToolJobs.Step step =
        jobs.step(
            ctx, restore, Names.restoreJob(restore.getMetadata().getName()), CONTAINER, expected);
    return switch (step.kind()) {
      case WAIT -> UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.oldJob());
      case TAKEN -> {
        b.update(
            RestoreStatuses.withCondition(
                st,
                Conditions.of(
                    ConditionTypes.INVALID, TRUE, Reason.JobNameTaken, step.takenMessage()),
                b.now()));
        yield UpdateControl.noUpdate();
      }
      case DELETED -> {
        // the restore may have written part of the data: running it again by itself could make it
        // worse
        b.update(
            RestoreStatuses.failed(
                st, Reason.JobDeleted, step.deletedMessage("restore"), null, null, null, b.now()));
        yield restore.getSpec().prune == PruneType.AFTER_FAILED
            ? prune.run(b, restore, ctx)
            : UpdateControl.noUpdate();
      }
      case ABSENT -> {
        if (restore.getSpec().backupSource == null) {
          yield start.run(b, restore, ctx);
        }
        // the backups chosen and checked before any Job
        RestoreSources.Resolution r = sources.resolve(b, restore);
        yield r.control() != null ? r.control() : start.run(b, r.resolved(), ctx);
      }
      case OBSERVED -> run.observe(b, restore, ctx, step.job(), step.observation());
    };
  }

  /** Failed because its pod never started: BR never ran, so there is nothing to prune. */
  static boolean neverStarted(RestoreStatus st) {
    var failed = Conditions.find(st.conditions, ConditionTypes.FAILED);
    return failed != null && Reason.wire(Reason.PodNotStarted).equals(failed.reason);
  }

  Instant clockNow() {
    return clock.instant();
  }
}
