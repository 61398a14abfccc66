package io.tidbbackup.operator.backup.clean;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.StartWatch;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.storage.PrefixGuard;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.UnsafePrefixException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The facts {@link CleanDecisions} asks for, each observed once and only when asked (read-only:
 * what it observes it keeps, for the flow to record after the decision), through the {@link
 * CleanContext}.
 */
final class CleanFacts implements CleanDecisions.Facts {
  private final CleanContext c;
  private final Backup backup;
  private final Context<Backup> ctx;

  /**
   * The in-process clean is this Backup's by UID: a Backup re-created under the name never sees it.
   */
  private final String uid;

  /** A finished {@code br log stop} Job, observed: its outcome is recorded by the flow. */
  JobObservation logStop;

  /** The log task could not be stopped: the namespace is terminating (said by the flow). */
  boolean logStopNotPossible;

  final String cleanName;

  CleanFacts(CleanContext c) {
    this.c = c;
    this.backup = c.backup();
    this.ctx = c.josdk();
    this.uid = backup.getMetadata().getUid();
    this.cleanName = Names.cleanJob(backup.getMetadata().getName());
  }

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
    return c.inProcess().get(uid) != null || ToolJobs.owned(ctx, backup, cleanName) != null;
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
                  JobObservation.of(j, List.of(), AgentProtocol.BACKUP).state();
              return state == JobObservation.State.PENDING || state == JobObservation.State.RUNNING;
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
    Future<CleanReport> inProcess = c.inProcess().get(uid);
    if (inProcess != null) {
      return inProcessClean(inProcess);
    }
    cleanJob = c.jobs().step(ctx, backup, cleanName, AgentProtocol.CLEAN, false);
    return switch (cleanJob.kind()) {
      case WAIT -> CleanDecisions.Clean.JOB_GOING_AWAY;
      case TAKEN -> CleanDecisions.Clean.JOB_NAME_TAKEN;
      case OBSERVED -> jobClean(cleanJob.observation());
      default ->
          CleanDecisions.Clean.NONE; // ABSENT; a clean Job someone deleted is simply started again
    };
  }

  private CleanDecisions.Clean inProcessClean(Future<CleanReport> f) {
    if (!f.isDone()) {
      return CleanDecisions.Clean.IN_PROCESS_RUNNING;
    }
    c.inProcess().forget(uid);
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
        start = c.jobs().startWatch(cleanJob.job(), c.jobSettings().podStartDeadline(), c.now());
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
    retryAt = failedAt.plus(c.cleanPolicy().delayAfter(attempts));
    return c.now().isBefore(retryAt)
        ? CleanDecisions.Clean.JOB_FAILED_RETRY_LATER
        : CleanDecisions.Clean.JOB_FAILED_RETRY_DUE;
  }

  @Override
  public boolean namespaceTerminating() {
    return terminating();
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
          c.client()
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
      JobObservation obs = c.jobs().observe(stop, AgentProtocol.BACKUP);
      if (obs.state() == JobObservation.State.SUCCEEDED
          || obs.state() == JobObservation.State.FAILED) {
        logStop = obs;
        return CleanDecisions.LogTask.NOTHING_TO_STOP;
      }
      return CleanDecisions.LogTask.STOP_RUNNING;
    }
    if (!c.logTaskRuns()) {
      return CleanDecisions.LogTask.NOTHING_TO_STOP;
    }
    if (terminating()) {
      // no Job can run in a terminating namespace, so br log stop cannot either; waiting for it
      // would hold the namespace forever: the flow says so, and goes on to what the cleanPolicy
      // asks (an in-process clean, or keep)
      logStopNotPossible = true;
      return CleanDecisions.LogTask.TO_STOP_NOT_POSSIBLE;
    }
    return CleanDecisions.LogTask.TO_STOP;
  }

  /** Whether the Backup's namespace is being deleted (no Job can run there). */
  boolean terminating() {
    try {
      Namespace ns = c.client().namespaces().withName(backup.getMetadata().getNamespace()).get();
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

  private String annotation(String name) {
    Map<String, String> a = backup.getMetadata().getAnnotations();
    return a == null ? null : a.get(name);
  }
}
