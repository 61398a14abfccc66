package io.tidbbackup.operator.backup;

import static io.tidbbackup.api.ConditionTypes.FALSE;
import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.job.CleanJobBuilder;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.run.InProcessCredentials;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.StartWatch;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.storage.PrefixGuard;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.UnsafePrefixException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One reconcile of a Backup that is being deleted: observe the facts {@link CleanDecisions} asks
 * for, take its decision (a pure table: skip annotation, log task, cleanPolicy, running backup
 * Jobs, empty path, unsafe or shared prefix, the clean so far, a terminating namespace), and carry
 * it out. Never sleeps: every wait is a reschedule. Before any release without a verified clean, a
 * running clean is stopped and confirmed gone.
 */
final class BackupCleanFlow {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(BackupCleanFlow.class);

  private final BackupContext c;
  private final BackupServices s;
  private final Backup backup;
  private final Context<Backup> ctx;
  private final String key;

  /**
   * The in-process clean is this Backup's by UID: a Backup re-created under the name never sees it.
   */
  private final String uid;

  BackupCleanFlow(BackupContext c) {
    this.c = c;
    this.s = c.services();
    this.backup = c.backup();
    this.ctx = c.josdk();
    this.key = c.key();
    this.uid = backup.getMetadata().getUid();
  }

  UpdateControl<Backup> run() {
    Facts facts = new Facts();
    CleanDecisions.Action action = CleanDecisions.decide(facts);
    if (action != CleanDecisions.Action.NOTHING) {
      LOG.debug("Backup {} (being deleted): {}", key, action);
    }
    String path = orNone(backup.getStatus() == null ? null : backup.getStatus().backupPath);
    return switch (action) {
      case NOTHING -> UpdateControl.noUpdate();
      case STOP_CLEAN -> stopClean();
      case RELEASE_SKIPPED -> {
        warn(
            Reason.CleanSkipped,
            "annotation "
                + ApiConstants.SKIP_CLEAN_ANNOTATION
                + " is set: the data at "
                + path
                + " is kept");
        yield release();
      }
      case WAIT_LOG_STOP -> BackupContext.after(s.intervals().cleanPoll());
      case START_LOG_STOP -> {
        BackupJobStart.start(c, LogSubCommand.STOP);
        yield BackupContext.after(s.intervals().cleanPoll());
      }
      case RELEASE_KEPT -> {
        LOG.info("Backup {}: cleanPolicy keeps the data at {}; releasing", key, path);
        yield release();
      }
      case STOP_BACKUP_JOBS -> {
        facts.runningBackupJobs().stream()
            .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
            .forEach(j -> c.jobs().deleteForeground(j));
        yield BackupContext.after(s.intervals().oldJob());
      }
      case RELEASE_NOTHING_TO_CLEAN -> {
        write(
            Conditions.of(
                ConditionTypes.CLEAN, TRUE, Reason.NothingToClean, "the backup wrote no data"));
        yield release();
      }
      case RELEASE_UNSAFE -> {
        UnsafePrefixException e = facts.unsafe;
        s.metrics().refused(e.reason());
        writeWarning(
            Conditions.of(
                ConditionTypes.CLEAN_FAILED,
                TRUE,
                Reason.valueOf(e.reason().name()),
                e.getMessage() + "; the data is kept"));
        yield release();
      }
      case WAIT_IN_PROCESS -> BackupContext.after(s.intervals().inProcessPoll());
      case FINISH ->
          finish(facts.report, facts.target, facts.cleanJob == null ? null : facts.cleanJob.job());
      case RELEASE_ORPHANED -> {
        warn(
            Reason.DataOrphaned,
            "namespace is terminating and the in-process clean of "
                + facts.target.url()
                + " failed: "
                + facts.failure
                + "; the remaining data is kept");
        yield release();
      }
      case WAIT_OLD_JOB -> BackupContext.after(s.intervals().oldJob());
      case REPORT_NAME_TAKEN -> nameTaken(facts.cleanJob.takenMessage());
      case SHOW_PROGRESS -> {
        if (facts.start != null && facts.start.show()) {
          yield waitingToStart(facts.start, facts.target);
        }
        String progress = progress(facts.cleanJob.job());
        if (progress != null) {
          write(
              Conditions.of(
                  ConditionTypes.CLEAN,
                  FALSE,
                  Reason.Cleaning,
                  "cleaning " + facts.target.url() + ": " + progress));
        }
        yield BackupContext.after(s.intervals().cleanPoll());
      }
      case RELEASE_NEVER_STARTED -> neverStarted(facts.cleanJob.job(), facts.start, facts.target);
      case RELEASE_REFUSED ->
          refused(facts.cleanJob.job(), facts.target, facts.refusal, facts.failure);
      case WAIT_RETRY -> {
        recordFailedAttempt(facts.failure, facts.retryAt);
        yield BackupContext.after(Duration.between(c.now(), facts.retryAt));
      }
      case REPLACE_CLEAN_JOB -> {
        recordFailedAttempt(facts.failure, facts.retryAt);
        c.jobs().deleteForeground(facts.cleanJob.job());
        yield BackupContext.after(s.intervals().oldJob());
      }
      case START_IN_PROCESS -> startInProcess(facts.target);
      case START_CLEAN_JOB -> startCleanJob(facts.target);
    };
  }

  /**
   * The facts {@link CleanDecisions} asks for, each observed once and only when asked. Observing a
   * finished {@code br log stop} Job records its outcome in status, as every flow records what it
   * observes.
   */
  private final class Facts implements CleanDecisions.Facts {
    private final String cleanName = Names.cleanJob(backup.getMetadata().getName());
    StorageLocation target;
    UnsafePrefixException unsafe;
    ToolJobs.Step cleanJob;
    CleanReport report;
    String failure;
    String refusal;
    Instant retryAt;
    StartWatch start;

    @Override
    public boolean held() {
      return backup.hasFinalizer(io.tidbbackup.operator.surface.ApiSurface.of(backup).finalizer())
          && stillHeld();
    }

    @Override
    public boolean skip() {
      return "true".equalsIgnoreCase(annotation(ApiConstants.SKIP_CLEAN_ANNOTATION));
    }

    @Override
    public boolean cleanExists() {
      return s.inProcess().get(uid) != null || ToolJobs.owned(ctx, backup, cleanName) != null;
    }

    @Override
    public CleanDecisions.LogTask logTask() {
      BackupSpec spec = backup.getSpec();
      return spec != null && spec.backupMode == BackupMode.LOG
          ? observeLogTask()
          : CleanDecisions.LogTask.NOTHING_TO_STOP;
    }

    @Override
    public boolean deletesData() {
      return backup.getSpec() != null && CleanPolicies.deletesData(backup);
    }

    @Override
    public boolean backupJobsRunning() {
      return !runningBackupJobs().isEmpty();
    }

    /** This Backup's snapshot and log subcommand Jobs that are pending or running. */
    List<Job> runningBackupJobs() {
      String name = backup.getMetadata().getName();
      java.util.Set<String> names = new java.util.HashSet<>();
      names.add(Names.backupJob(name, null));
      for (LogSubCommand c : LogSubCommand.values()) {
        names.add(Names.backupJob(name, c));
      }
      return ctx.getSecondaryResources(Job.class).stream()
          .filter(j -> names.contains(j.getMetadata().getName()) && ToolJobs.belongsTo(j, backup))
          .filter(
              j -> {
                JobObservation.State state =
                    JobObservation.of(j, List.of(), BackupContext.CONTAINER).state();
                return state == JobObservation.State.PENDING
                    || state == JobObservation.State.RUNNING;
              })
          .toList();
    }

    @Override
    public boolean pathEmpty() {
      BackupStatus st = backup.getStatus();
      return st == null || st.backupPath == null || st.backupPath.isEmpty();
    }

    @Override
    public boolean prefixUnsafe() {
      try {
        target = StorageLocation.target(backup.getSpec(), backup.getStatus().backupPath);
        PrefixGuard.directory(target);
        PrefixGuard.requireNotShared(target, otherLiveBackups());
        return false;
      } catch (UnsafePrefixException e) {
        unsafe = e;
        return true;
      }
    }

    @Override
    public CleanDecisions.Clean clean() {
      Future<CleanReport> inProcess = s.inProcess().get(uid);
      if (inProcess != null) {
        return inProcessClean(inProcess);
      }
      cleanJob = c.jobs().step(ctx, backup, cleanName, AgentProtocol.CLEAN, false);
      return switch (cleanJob.kind()) {
        case WAIT -> CleanDecisions.Clean.JOB_GOING_AWAY;
        case TAKEN -> CleanDecisions.Clean.JOB_NAME_TAKEN;
        case OBSERVED -> jobClean(cleanJob.observation());
        default ->
            CleanDecisions.Clean
                .NONE; // ABSENT; a clean Job someone deleted is simply started again
      };
    }

    private CleanDecisions.Clean inProcessClean(Future<CleanReport> f) {
      if (!f.isDone()) {
        return CleanDecisions.Clean.IN_PROCESS_RUNNING;
      }
      s.inProcess().forget(uid);
      try {
        report = f.get();
        failure = report == null ? "stopped" : report.error();
      } catch (ExecutionException
          | InterruptedException
          | java.util.concurrent.CancellationException e) {
        failure = e.getMessage();
      }
      return report != null && report.verified()
          ? CleanDecisions.Clean.IN_PROCESS_VERIFIED
          : CleanDecisions.Clean.IN_PROCESS_FAILED;
    }

    private CleanDecisions.Clean jobClean(JobObservation obs) {
      switch (obs.state()) {
        case PENDING, RUNNING -> {
          start = c.jobs().startWatch(cleanJob.job(), s.settings().podStartDeadline(), c.now());
          return start != null && start.expired()
              ? CleanDecisions.Clean.JOB_NEVER_STARTED
              : CleanDecisions.Clean.JOB_RUNNING;
        }
        case SUCCEEDED -> {
          report = obs.result() == null ? null : obs.result().clean;
          if (report != null && report.verified()) {
            return CleanDecisions.Clean.JOB_VERIFIED;
          }
          failure = "the clean Job succeeded but reported no verified-empty prefix";
        }
        default -> {
          failure =
              obs.failure(); // the agent's error when it reported one, else the container's or the
          // Job's
          refusal = CleanFailures.terminal(obs.exitCode(), failure);
          if (refusal != null) {
            return CleanDecisions.Clean.JOB_REFUSED;
          }
        }
      }
      BackupStatus st = c.status();
      int attempts = st == null || st.cleanAttempts == null ? 1 : st.cleanAttempts;
      Instant failedAt =
          obs.completionTime() != null ? Timestamps.parse(obs.completionTime()) : c.now();
      retryAt = failedAt.plus(s.cleanPolicy().delayAfter(attempts));
      return c.now().isBefore(retryAt)
          ? CleanDecisions.Clean.JOB_FAILED_RETRY_LATER
          : CleanDecisions.Clean.JOB_FAILED_RETRY_DUE;
    }

    @Override
    public boolean namespaceTerminating() {
      return BackupCleanFlow.this.namespaceTerminating();
    }
  }

  /**
   * The clean Job's name is held by a Job that is not this Backup's: said, and looked at again
   * later.
   */
  private UpdateControl<Backup> nameTaken(String message) {
    writeWarning(
        Conditions.of(
            ConditionTypes.CLEAN_FAILED,
            TRUE,
            Reason.JobNameTaken,
            message + "; the data is kept until that Job is removed"));
    return BackupContext.after(s.intervals().clusterRetry());
  }

  /**
   * The informer cache can lag behind our own finalizer release: an event that arrives just after
   * it (the clean Job's deletion, say) would otherwise find the old Backup, no clean Job, and start
   * a second clean of a prefix that is already released — one that could delete the data of a new
   * Backup of the same name. So a deletion is only acted on when the API server still holds this
   * very object with our finalizer.
   */
  private boolean stillHeld() {
    try {
      io.tidbbackup.operator.surface.ApiSurface api =
          io.tidbbackup.operator.surface.ApiSurface.of(backup);
      Backup live =
          s.client()
              .resources(api.<Backup>backupClass())
              .inNamespace(backup.getMetadata().getNamespace())
              .withName(backup.getMetadata().getName())
              .get();
      return live != null
          && live.getMetadata().getUid().equals(backup.getMetadata().getUid())
          && live.hasFinalizer(api.finalizer());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Log backups: where stopping the task stands. A stop Job that has ended has its outcome recorded
   * (a failure also as a Warning: the task may still run); a terminating namespace, where no Job
   * can run, is said in a Warning.
   */
  private CleanDecisions.LogTask observeLogTask() {
    Job stop =
        ToolJobs.owned(
            ctx, backup, Names.backupJob(backup.getMetadata().getName(), LogSubCommand.STOP));
    if (stop != null) {
      JobObservation obs = c.jobs().observe(stop, BackupContext.CONTAINER);
      switch (obs.state()) {
        case SUCCEEDED -> {
          if (!LogStatuses.recorded(c.status(), LogSubCommand.STOP, obs.completionTime())) {
            update(
                LogStatuses.complete(
                    c.status(),
                    LogSubCommand.STOP,
                    obs.result(),
                    obs.startTime(),
                    obs.completionTime(),
                    c.now()));
          }
          return CleanDecisions.LogTask.NOTHING_TO_STOP;
        }
        case FAILED -> {
          if (!LogStatuses.recorded(c.status(), LogSubCommand.STOP, obs.completionTime())) {
            update(
                LogStatuses.failed(
                    c.status(),
                    LogSubCommand.STOP,
                    Reason.LogSubcommandFailed,
                    "br log stop failed: " + obs.failure(),
                    obs.completionTime(),
                    c.now()));
            warn(
                Reason.LogStopFailed,
                "br log stop failed while deleting the Backup; the log task "
                    + backup.getMetadata().getName()
                    + " may still run: stop it with br log stop. "
                    + obs.failure());
          }
          return CleanDecisions.LogTask.NOTHING_TO_STOP;
        }
        default -> {
          return CleanDecisions.LogTask.STOP_RUNNING;
        }
      }
    }
    LogBackupPlan.TaskState state = LogBackupPlan.state(backup.getStatus());
    if (state != LogBackupPlan.TaskState.RUNNING && state != LogBackupPlan.TaskState.PAUSED) {
      return CleanDecisions.LogTask.NOTHING_TO_STOP;
    }
    if (namespaceTerminating()) {
      // no Job can run in a terminating namespace, so br log stop cannot either; waiting for it
      // would hold the
      // namespace forever. Say so, and go on to what the cleanPolicy asks (an in-process clean, or
      // keep).
      warn(
          Reason.LogStopSkipped,
          "namespace "
              + backup.getMetadata().getNamespace()
              + " is being terminated, so no "
              + "Job can run br log stop: the log task "
              + backup.getMetadata().getName()
              + " may still run in the "
              + "TiDB cluster; stop it with br log stop");
      return CleanDecisions.LogTask.TO_STOP_NOT_POSSIBLE;
    }
    return CleanDecisions.LogTask.TO_STOP;
  }

  /** The table said a clean still runs: stop it, and look again once it is gone. */
  private UpdateControl<Backup> stopClean() {
    UpdateControl<Backup> stopping = stopRunningClean(c);
    return stopping != null ? stopping : BackupContext.after(s.intervals().oldJob());
  }

  /**
   * Before the finalizer is released for any reason but a verified clean, a clean of this Backup is
   * stopped and waited for — a clean Job deleted in the foreground (it stays until its pod is
   * gone), an in-process clean until it has left the engine — so that no clean keeps deleting data
   * the release says is kept. Null when no clean of this Backup runs: the release may go on. Every
   * release path without a verified clean goes through here.
   */
  static UpdateControl<Backup> stopRunningClean(BackupContext c) {
    Backup backup = c.backup();
    BackupServices s = c.services();
    if (!s.inProcess().stop(backup.getMetadata().getUid())) {
      LOG.info(
          "Backup {}: waiting for the in-process clean to stop before the finalizer is released without a "
              + "clean",
          c.key());
      return BackupContext.after(s.intervals().inProcessPoll());
    }
    Job clean = ToolJobs.owned(c.josdk(), backup, Names.cleanJob(backup.getMetadata().getName()));
    if (clean == null) {
      return null;
    }
    if (clean.getMetadata().getDeletionTimestamp() == null) {
      LOG.info(
          "Backup {}: stopping clean Job {} before the finalizer is released without a clean",
          c.key(),
          clean.getMetadata().getName());
      c.jobs().deleteForeground(clean);
    }
    return BackupContext.after(s.intervals().oldJob());
  }

  /** A clean Job that has ended (its pod no longer runs) is removed; no need to wait for it. */
  private void deleteFinishedCleanJob(Job job) {
    s.client()
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .delete();
  }

  private UpdateControl<Backup> startCleanJob(StorageLocation target) {
    BackupStatus st = c.status();
    int attempts = st.cleanAttempts == null ? 0 : st.cleanAttempts;
    BackupStatus next =
        BackupStatuses.withCondition(
            st,
            Conditions.of(
                ConditionTypes.CLEAN,
                FALSE,
                Reason.Cleaning,
                "cleaning "
                    + target.url()
                    + (attempts > 0 ? " (attempt " + (attempts + 1) + ")" : "")),
            c.now());
    next.cleanAttempts = attempts + 1;
    if (namespaceTerminating()) {
      return startInProcess(target);
    }
    Job job =
        CleanJobBuilder.build(
            backup,
            backup.getStatus().backupPath,
            s.settings(),
            s.cleanPolicy().backoffLimit(),
            s.cleanPolicy().activeDeadline().toSeconds());
    ToolJobs.Creation created = c.jobs().create(ctx, backup, job);
    switch (created.outcome()) {
      case NAMESPACE_TERMINATING -> {
        return startInProcess(target);
      }
      case WAIT -> {
        return BackupContext.after(s.intervals().oldJob());
      }
      case TAKEN -> {
        return nameTaken(created.takenMessage(null));
      }
      default -> {
        update(next);
        return BackupContext.after(s.intervals().cleanPoll());
      }
    }
  }

  /**
   * A clean no retry can fix: the data is kept, said in a condition and a Warning event, and the
   * Backup goes.
   */
  private UpdateControl<Backup> refused(Job job, StorageLocation target, String why, String error) {
    String message =
        "the clean of "
            + target.url()
            + " cannot succeed: "
            + why
            + " ("
            + error
            + "); the data is "
            + "kept there and the Backup is released";
    writeWarning(Conditions.of(ConditionTypes.CLEAN_FAILED, TRUE, Reason.CleanRefused, message));
    s.metrics().refused(Reason.CleanRefused);
    deleteFinishedCleanJob(job);
    return release();
  }

  /**
   * A clean whose pod cannot start: said (one Warning per cause), looked at again until the
   * deadline.
   */
  private UpdateControl<Backup> waitingToStart(StartWatch w, StorageLocation target) {
    BackupStatus st = c.status();
    BackupCondition now = Conditions.find(st == null ? null : st.conditions, ConditionTypes.CLEAN);
    String message =
        "the clean of "
            + target.url()
            + " cannot start: "
            + w.problem().message()
            + (w.deadline() == null
                ? ""
                : "; the Backup is released with its data kept at "
                    + Timestamps.format(w.deadline())
                    + " unless it starts");
    if (now == null || !message.equals(now.message)) {
      write(Conditions.of(ConditionTypes.CLEAN, FALSE, Reason.PodNotStarted, message));
      if (now == null || !Reason.wire(Reason.PodNotStarted).equals(now.reason)) {
        warn(Reason.PodNotStarted, message);
      }
    }
    return BackupContext.after(w.recheck(s.intervals().cleanPoll(), c.now()));
  }

  /**
   * The clean's pod did not start within the deadline: its Job is deleted and the Backup released
   * with the data kept, said in CleanFailed and a Warning (a deletion never hangs on a pod that
   * cannot start).
   */
  private UpdateControl<Backup> neverStarted(Job job, StartWatch w, StorageLocation target) {
    String message =
        "the clean of "
            + target.url()
            + " never started: "
            + w.failure(s.settings().podStartDeadline())
            + "; the data is kept there and the Backup is released";
    writeWarning(Conditions.of(ConditionTypes.CLEAN_FAILED, TRUE, Reason.PodNotStarted, message));
    c.jobs().deleteForeground(job);
    return release();
  }

  /**
   * A failed clean attempt, said in a condition with the time of the retry (capped backoff, see
   * CleanJobPolicy).
   */
  private void recordFailedAttempt(String error, Instant retryAt) {
    BackupStatus st = c.status();
    int attempts = st == null || st.cleanAttempts == null ? 1 : st.cleanAttempts;
    write(
        Conditions.of(
            ConditionTypes.CLEAN_FAILED,
            TRUE,
            Reason.CleanJobFailed,
            "clean attempt "
                + attempts
                + " failed: "
                + error
                + "; retrying at "
                + Timestamps.format(retryAt)));
  }

  private UpdateControl<Backup> finish(CleanReport report, StorageLocation target, Job job) {
    s.metrics().record(target.type().scheme(), report);
    if (Boolean.TRUE.equals(report.fallback())) {
      c.event(
          EventType.WARNING,
          Reason.BatchDeleteUnsupported,
          "the store behind "
              + target.url()
              + " rejected DeleteObjects; the clean deleted one object per request");
    }
    write(
        Conditions.of(
            ConditionTypes.CLEAN,
            TRUE,
            Reason.Cleaned,
            "deleted " + report.deleted() + " object(s); " + target.url() + " verified empty"));
    if (job != null) {
      deleteFinishedCleanJob(job);
    }
    return release();
  }

  /**
   * Namespace terminating: clean here with the static keys of the Backup's own Secret, or keep the
   * data and say why (InProcessCredentials: never with the operator's identity).
   */
  private UpdateControl<Backup> startInProcess(StorageLocation target) {
    BackupSpec spec = backup.getSpec();
    String secretName = secretName(spec);
    Secret secret = null;
    String unreadable = null;
    if (secretName != null) {
      try {
        secret =
            s.client()
                .secrets()
                .inNamespace(backup.getMetadata().getNamespace())
                .withName(secretName)
                .get();
      } catch (KubernetesClientException e) {
        unreadable =
            e.getCode() == 403
                ? "the operator may not read Secrets in this namespace (chart value rbac.readSecrets)"
                : "the credentials Secret " + secretName + " cannot be read: " + e.getMessage();
      }
    }
    InProcessCredentials.Result creds =
        unreadable != null
            ? new InProcessCredentials.Result(null, unreadable)
            : InProcessCredentials.of(spec, secret);
    if (creds.refusal() != null) {
      warn(
          Reason.DataOrphaned,
          "namespace "
              + backup.getMetadata().getNamespace()
              + " is terminating and the operator cannot clean "
              + target.url()
              + " itself ("
              + creds.refusal()
              + "): the data is kept there");
      return release();
    }
    Map<String, String> env = creds.env();
    c.event(
        EventType.NORMAL,
        Reason.CleaningInProcess,
        "namespace is terminating: the operator " + "cleans " + target.url() + " itself");
    write(
        Conditions.of(
            ConditionTypes.CLEAN,
            FALSE,
            Reason.CleaningInProcess,
            "cleaning " + target.url() + " in the operator (namespace terminating)"));
    s.inProcess().submit(uid, spec, target, env);
    return BackupContext.after(s.intervals().inProcessPoll());
  }

  private boolean namespaceTerminating() {
    try {
      Namespace ns = s.client().namespaces().withName(backup.getMetadata().getNamespace()).get();
      return ns != null
          && (ns.getMetadata().getDeletionTimestamp() != null
              || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase())));
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  private List<PrefixGuard.Named> otherLiveBackups() {
    return ctx.getPrimaryCache()
        .list()
        .filter(b -> !b.getMetadata().getUid().equals(backup.getMetadata().getUid()))
        .filter(b -> b.getMetadata().getDeletionTimestamp() == null && b.getSpec() != null)
        .map(
            b -> {
              try {
                String p = b.getStatus() == null ? null : b.getStatus().backupPath;
                return new PrefixGuard.Named(
                    b.getMetadata().getNamespace() + "/" + b.getMetadata().getName(),
                    StorageLocation.target(b.getSpec(), p));
              } catch (IllegalArgumentException e) {
                return null;
              }
            })
        .filter(n -> n != null)
        .toList();
  }

  /**
   * "deleted X of Y listed" from the clean pod's last progress line; null when it cannot be read.
   */
  private String progress(Job job) {
    AgentProtocol.CleanProgress p =
        AgentProtocol.CleanProgress.last(c.jobs().logTail(job, AgentProtocol.CLEAN, 50));
    return p == null
        ? null
        : "deleted "
            + p.deleted()
            + " of "
            + p.listed()
            + " objects listed so far"
            + (p.failed() == 0 ? "" : ", " + p.failed() + " failed in this round");
  }

  static String secretName(BackupSpec spec) {
    if (spec.s3 != null) {
      return spec.s3.secretName;
    }
    if (spec.gcs != null) {
      return spec.gcs.secretName;
    }
    return spec.azblob != null ? spec.azblob.secretName : null;
  }

  private void write(io.tidbbackup.api.BackupCondition condition) {
    update(BackupStatuses.withCondition(c.status(), condition, c.now()));
  }

  /**
   * Writes a Warning condition and makes sure exactly one Warning event says it: the status writer
   * announces a phase change itself, so the event is recorded here only when the phase stays (a
   * clean that failed before).
   */
  private void writeWarning(io.tidbbackup.api.BackupCondition condition) {
    String before = c.status() == null ? null : c.status().phase;
    BackupStatus next = BackupStatuses.withCondition(c.status(), condition, c.now());
    update(next);
    if (java.util.Objects.equals(before, next.phase)) {
      warn(Reason.valueOf(condition.reason), condition.message);
    }
  }

  private void update(BackupStatus next) {
    c.update(next);
  }

  private void warn(Reason reason, String message) {
    c.event(EventType.WARNING, reason, message);
  }

  private String annotation(String name) {
    Map<String, String> a = backup.getMetadata().getAnnotations();
    return a == null ? null : a.get(name);
  }

  private UpdateControl<Backup> release() {
    s.inProcess().forget(uid);
    c.releaseFinalizer();
    return UpdateControl.noUpdate();
  }

  static String orNone(String path) {
    return path == null || path.isEmpty() ? "(no path)" : path;
  }
}
