package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.CrdDefaults;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.cluster.LogTasks;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.StatusWriter;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reconciles a Backup: makes one {@link BackupContext} for the reconcile, hands it to the flow the
 * Backup is in (being deleted: {@link io.tidbbackup.operator.backup.clean.BackupCleanFlow}; log
 * mode: {@link LogBackupFlow}; else {@link SnapshotBackupFlow}), and writes the status the flow
 * computed, once.
 */
public class BackupReconciler<B extends Backup> implements Reconciler<B> {

  private final BackupServices services;
  private final Class<B> type;

  /**
   * A reconciler of {@code pingcap.com} (v1) or {@code br.pingcap.com} (v2) Backups: a class of its
   * own for each, as JOSDK reads the primary class from the reconciler's type argument.
   */
  public static io.javaoperatorsdk.operator.api.reconciler.Reconciler<? extends Backup> of(
      io.tidbbackup.operator.surface.ApiSurface api, io.tidbbackup.operator.kernel.Dependencies d) {
    return switch (api) {
      case V1 -> new V1Backups(d);
      case V2 -> new V2Backups(d);
    };
  }

  /** The reconciler of pingcap.com Backups (a named class: JOSDK reads its type argument). */
  public static final class V1Backups extends BackupReconciler<Backup> {
    V1Backups(io.tidbbackup.operator.kernel.Dependencies d) {
      super(Backup.class, d);
    }
  }

  /** The reconciler of br.pingcap.com Backups. */
  public static final class V2Backups extends BackupReconciler<io.tidbbackup.api.v2.BrBackup> {
    V2Backups(io.tidbbackup.operator.kernel.Dependencies d) {
      super(io.tidbbackup.api.v2.BrBackup.class, d);
    }
  }

  private BackupReconciler(Class<B> type, io.tidbbackup.operator.kernel.Dependencies d) {
    this(
        type,
        d.client(),
        d.clock(),
        d.writer(),
        d.events(),
        d.jobs(),
        d.settings().jobs(),
        d.settings().clean(),
        d.clusters(),
        d.inProcess(),
        d.cleanMetrics(),
        d.settings().intervals(),
        d.logTasks(),
        d.holds());
  }

  /**
   * @param type the Backup class of the API group served ({@link
   *     io.tidbbackup.operator.surface.ApiSurface#backupClass()}); the flows are the same for both
   */
  public BackupReconciler(
      Class<B> type,
      KubernetesClient client,
      Clock clock,
      StatusWriter writer,
      EventRecorder events,
      ToolJobs jobs,
      JobSettings settings,
      CleanJobPolicy cleanPolicy,
      ClusterFactsResolver clusters,
      InProcessCleaner inProcess,
      CleanMetrics metrics,
      ReconcileIntervals intervals,
      LogTasks logTasks,
      io.tidbbackup.operator.run.SecretHolds holds) {
    this.type = type;
    this.services =
        new BackupServices(
            client,
            clock,
            writer,
            events,
            jobs,
            settings,
            cleanPolicy,
            clusters,
            inProcess,
            metrics,
            intervals,
            logTasks,
            new io.tidbbackup.operator.kernel.Throttle(),
            holds);
  }

  /** What its flows work with (for the tests of this room). */
  BackupServices services() {
    return services;
  }

  @Override
  public List<EventSource<?, B>> prepareEventSources(EventSourceContext<B> ctx) {
    BackupSecretHolds.index(ctx.getPrimaryCache(), services);
    SecondaryToPrimaryMapper<Job> owners = io.tidbbackup.operator.kernel.Owners.mapper(type);
    var config =
        InformerEventSourceConfiguration.from(Job.class, type)
            .withLabelSelector(Names.jobSelector("backup"))
            .withItemStore(io.tidbbackup.operator.kernel.LeanItemStore.jobs())
            .withSecondaryToPrimaryMapper(job -> backupOf(job, owners))
            .build();
    return List.of(new InformerEventSource<>(config, ctx));
  }

  /**
   * A Job belongs to the Backup that owns it (this group's, by owner reference), or (clean Jobs,
   * which have no owner) that its annotation names.
   */
  static Set<ResourceID> backupOf(Job job, SecondaryToPrimaryMapper<Job> owners) {
    Set<ResourceID> own = owners.toPrimaryResourceIDs(job);
    if (!own.isEmpty()) {
      return own;
    }
    Map<String, String> a = job.getMetadata().getAnnotations();
    String name = a == null ? null : a.get(Names.BACKUP_ANNOTATION);
    return name == null ? Set.of() : Set.of(new ResourceID(name, job.getMetadata().getNamespace()));
  }

  @Override
  public UpdateControl<B> reconcile(B input, Context<B> ctx) {
    return io.tidbbackup.operator.kernel.Owners.narrow(
        reconcileAny(input, io.tidbbackup.operator.kernel.Owners.widen(ctx)));
  }

  private UpdateControl<Backup> reconcileAny(Backup input, Context<Backup> ctx) {
    if (ctx.isPrimaryResourceDeleted()) {
      // gone without our release (its finalizer removed by hand): nobody waits for its in-process
      // clean any more
      services.inProcess().stop(input.getMetadata().getUid());
      services.inProcess().forget(input.getMetadata().getUid());
      services.reads().forget(LogBackupFlow.CHECKPOINT + input.getMetadata().getUid());
      services.writer().forget(input.getMetadata().getUid());
      services.reads().forget(SnapshotBackupFlow.PROGRESS + input.getMetadata().getUid());
      BackupSecretHolds.released(input, services);
      return UpdateControl.noUpdate();
    }
    java.util.Optional<String> unreadable = io.tidbbackup.api.TolerantReading.problems(input);
    if (unreadable.isPresent()) {
      return unreadable(input, ctx, unreadable.get());
    }
    // JOSDK hands us a copy: fill in what a server without the CRD's defaults left out
    CrdDefaults.apply(input.getSpec());
    // the Secrets its clean needs held before anything that may start a clean
    BackupSecretHolds.follow(input, services);
    BackupContext c =
        new BackupContext(
            input.isMarkedForDeletion() ? input : ensureFinalizer(input, ctx), ctx, services);
    UpdateControl<Backup> control;
    if (input.isMarkedForDeletion()) {
      control =
          new io.tidbbackup.operator.backup.clean.BackupCleanFlow(new BackupCleanPort(c)).run();
    } else if (input.getSpec() != null && input.getSpec().backupMode == BackupMode.LOG) {
      control = new LogBackupFlow(c).run();
    } else {
      control = new SnapshotBackupFlow(c).run();
    }
    if (c.status() != null
        && io.tidbbackup.operator.status.ReconcileErrors.pending(c.status().conditions)) {
      c.update(
          BackupStatuses.withCondition(
              c.status(), io.tidbbackup.operator.status.ReconcileErrors.recovered(), c.now()));
    }
    c.flush();
    return control;
  }

  /**
   * A reconcile that threw (an API request refused, a quota, a timeout): the error is said in
   * ReconcileError (and one Warning per distinct error) while JOSDK retries with capped backoff,
   * never a silent stall.
   */
  @Override
  @SuppressWarnings("unchecked")
  public io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl<B> updateErrorStatus(
      B backup, Context<B> ctx, Exception e) {
    return (io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl<B>)
        (Object)
            io.tidbbackup.operator.status.ReconcileErrors.record(
                (Backup) backup,
                io.tidbbackup.operator.kernel.Owners.widen(ctx),
                e,
                services.writer(),
                services.events(),
                (st, c) -> BackupStatuses.withCondition(st, c, services.clock().instant()));
  }

  /**
   * A Backup the model could not fully read (an unknown value or field, TolerantReading): nothing
   * runs for it. It is Invalid, naming what could not be read; being deleted, it is released with
   * its data kept, and a Warning says so (the operator cannot know what its spec asks).
   */
  private UpdateControl<Backup> unreadable(Backup input, Context<Backup> ctx, String problems) {
    BackupContext c = new BackupContext(input, ctx, services);
    if (input.isMarkedForDeletion()) {
      if (input.hasFinalizer(io.tidbbackup.operator.surface.ApiSurface.of(input).finalizer())) {
        // a clean begun while the Backup was readable keeps no data the release says is kept
        UpdateControl<Backup> stopping =
            io.tidbbackup.operator.backup.clean.BackupCleanFlow.stopRunningClean(
                new BackupCleanPort(c));
        if (stopping != null) {
          return stopping;
        }
        c.event(
            io.tidbbackup.operator.status.EventType.WARNING,
            io.tidbbackup.operator.status.Reason.CleanSkipped,
            "this Backup cannot be read ("
                + problems
                + "): its data"
                + (input.getStatus() == null || input.getStatus().backupPath == null
                    ? ""
                    : " at " + input.getStatus().backupPath)
                + " is kept");
        c.releaseFinalizer();
      }
      return UpdateControl.noUpdate();
    }
    c.update(
        BackupStatuses.invalid(
            c.status(),
            "this Backup cannot be read: " + problems + "; nothing is run for it",
            c.now()));
    c.flush();
    return UpdateControl.noUpdate();
  }

  /**
   * Adds the finalizer where cleanPolicy (or log mode) needs one; removes it when the policy became
   * Retain.
   */
  static Backup ensureFinalizer(Backup backup, Context<Backup> ctx) {
    String finalizer = io.tidbbackup.operator.surface.ApiSurface.of(backup).finalizer();
    boolean has = backup.hasFinalizer(finalizer);
    boolean needs =
        io.tidbbackup.operator.backup.clean.CleanPolicies.needsFinalizer(backup.getSpec());
    if (needs && !has) {
      return PrimaryUpdateAndCacheUtils.addFinalizer(ctx, finalizer);
    }
    if (!needs && has) {
      return PrimaryUpdateAndCacheUtils.removeFinalizer(ctx, finalizer);
    }
    return backup;
  }
}
