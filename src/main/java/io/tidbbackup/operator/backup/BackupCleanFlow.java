package io.tidbbackup.operator.backup;

import static io.tidbbackup.api.ConditionTypes.FALSE;
import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.ToolJobs;
import io.tidbbackup.operator.job.CleanJobBuilder;
import io.tidbbackup.operator.job.JobObservation;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.storage.CleanReport;
import io.tidbbackup.storage.PrefixGuard;
import io.tidbbackup.storage.StorageLocation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reconcile of a Backup that is being deleted. In order: honour the skip annotation; stop a running log
 * task; keep the data unless cleanPolicy says otherwise; stop a still-running backup Job; refuse an unsafe or
 * shared prefix (data kept, Warning event, finalizer released); run the clean Job (retried with backoff, never
 * left stuck) or, in a terminating namespace, clean in-process; release the finalizer once the prefix is
 * verified empty. Never sleeps: every wait is a reschedule.
 */
final class BackupCleanFlow {
  static final Duration POLL = Duration.ofSeconds(5);
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupCleanFlow.class);
  private static final Pattern PROGRESS = Pattern.compile("progress listed=(\\d+) deleted=(\\d+) failed=(\\d+)");

  private final BackupReconciler r;
  private final Backup backup;
  /** The Backup as last written in this reconcile, so that a second write never uses a stale version. */
  private Backup current;
  private final Context<Backup> ctx;
  private final String key;
  /** The in-process clean is this Backup's by UID: a Backup re-created under the name never sees it. */
  private final String uid;

  BackupCleanFlow(BackupReconciler r, Backup backup, Context<Backup> ctx) {
    this.r = r;
    this.backup = backup;
    this.current = backup;
    this.ctx = ctx;
    this.key = backup.getMetadata().getNamespace() + "/" + backup.getMetadata().getName();
    this.uid = backup.getMetadata().getUid();
  }

  UpdateControl<Backup> run() {
    if (!backup.hasFinalizer(ApiConstants.BACKUP_PROTECTION_FINALIZER) || !stillHeld()) {
      return UpdateControl.noUpdate();
    }
    BackupSpec spec = backup.getSpec();
    BackupStatus st = backup.getStatus();
    String path = st == null ? null : st.backupPath;
    if ("true".equalsIgnoreCase(annotation(ApiConstants.SKIP_CLEAN_ANNOTATION))) {
      UpdateControl<Backup> stopping = stopCleanJob();
      if (stopping != null) {
        return stopping;
      }
      warn("CleanSkipped", "annotation " + ApiConstants.SKIP_CLEAN_ANNOTATION + " is set: the data at "
          + orNone(path) + " is kept");
      return release();
    }
    if (spec != null && spec.backupMode == BackupMode.LOG) {
      UpdateControl<Backup> stopping = stopLogTask();
      if (stopping != null) {
        return stopping;
      }
    }
    if (spec == null || !CleanPolicies.deletesData(backup)) {
      UpdateControl<Backup> stopping = stopCleanJob(); // cleanPolicy changed to Retain while a clean ran
      return stopping != null ? stopping : release();
    }
    UpdateControl<Backup> waiting = stopBackupJobs();
    if (waiting != null) {
      return waiting;
    }
    if (path == null || path.isEmpty()) {
      write(Conditions.of(ConditionTypes.CLEAN, TRUE, "NothingToClean", "the backup wrote no data"));
      return release();
    }
    StorageLocation target;
    try {
      target = StorageLocation.target(spec, path);
      PrefixGuard.directory(target);
      PrefixGuard.requireNotShared(target, otherLiveBackups());
    } catch (PrefixGuard.UnsafePrefixException e) {
      UpdateControl<Backup> stopping = stopCleanJob(); // e.g. a new Backup now shares the prefix
      if (stopping != null) {
        return stopping;
      }
      writeWarning(Conditions.of(ConditionTypes.CLEAN_FAILED, TRUE, e.reason(), e.getMessage() + "; the data is kept"));
      return release();
    }
    Future<CleanReport> inProcess = r.inProcess().get(uid);
    if (inProcess != null) {
      return pollInProcess(inProcess, target);
    }
    ToolJobs.Step clean = r.jobs().step(ctx, backup, Names.cleanJob(backup.getMetadata().getName()),
        CleanJobBuilder.CONTAINER, false);
    return switch (clean.kind()) {
      case WAIT -> UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
      case TAKEN -> nameTaken(clean.takenMessage());
      case OBSERVED -> observeCleanJob(clean.job(), clean.observation(), target);
      default -> startCleanJob(target); // ABSENT; a clean Job someone deleted is simply started again
    };
  }

  /** The clean Job's name is held by a Job that is not this Backup's: said, and looked at again later. */
  private UpdateControl<Backup> nameTaken(String message) {
    writeWarning(Conditions.of(ConditionTypes.CLEAN_FAILED, TRUE, "JobNameTaken", message
        + "; the data is kept until that Job is removed"));
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(BackupReconciler.CLUSTER_RETRY);
  }

  /**
   * The informer cache can lag behind our own finalizer release: an event that arrives just after it (the
   * clean Job's deletion, say) would otherwise find the old Backup, no clean Job, and start a second clean of a
   * prefix that is already released — one that could delete the data of a new Backup of the same name. So a
   * deletion is only acted on when the API server still holds this very object with our finalizer.
   */
  private boolean stillHeld() {
    try {
      Backup live = r.client().resources(Backup.class).inNamespace(backup.getMetadata().getNamespace())
          .withName(backup.getMetadata().getName()).get();
      return live != null && live.getMetadata().getUid().equals(backup.getMetadata().getUid())
          && live.hasFinalizer(ApiConstants.BACKUP_PROTECTION_FINALIZER);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Log backups: a running or paused task is stopped (a log-stop Job) before anything else. */
  private UpdateControl<Backup> stopLogTask() {
    LogBackupPlan.TaskState state = LogBackupPlan.state(backup.getStatus());
    Job stop = ToolJobs.owned(ctx, backup, Names.backupJob(backup.getMetadata().getName(), LogSubCommand.STOP));
    if (stop != null) {
      JobObservation obs = r.observe(stop);
      switch (obs.state()) {
        case SUCCEEDED -> {
          if (!LogStatuses.recorded(backup.getStatus(), LogSubCommand.STOP, obs.completionTime())) {
            update(LogStatuses.complete(current.getStatus(), LogSubCommand.STOP, obs.result(),
                obs.startTime(), obs.completionTime(), r.now()));
          }
          return null;
        }
        case FAILED -> {
          if (!LogStatuses.recorded(backup.getStatus(), LogSubCommand.STOP, obs.completionTime())) {
            update(LogStatuses.failed(current.getStatus(), LogSubCommand.STOP, "LogSubcommandFailed",
                "br log stop failed: " + obs.failure(), obs.completionTime(), r.now()));
            warn("LogStopFailed", "br log stop failed while deleting the Backup; the log task "
                + backup.getMetadata().getName() + " may still run: stop it with br log stop. " + obs.failure());
          }
          return null;
        }
        default -> {
          return UpdateControl.<Backup>noUpdate().rescheduleAfter(POLL);
        }
      }
    }
    if (state == LogBackupPlan.TaskState.RUNNING || state == LogBackupPlan.TaskState.PAUSED) {
      if (namespaceTerminating()) {
        // no Job can run in a terminating namespace, so br log stop cannot either; waiting for it would hold the
        // namespace forever. Say so, and go on to what the cleanPolicy asks (an in-process clean, or keep).
        warn("LogStopSkipped", "namespace " + backup.getMetadata().getNamespace() + " is being terminated, so no "
            + "Job can run br log stop: the log task " + backup.getMetadata().getName() + " may still run in the "
            + "TiDB cluster; stop it with br log stop");
        return null;
      }
      r.createJob(backup, ctx, LogSubCommand.STOP);
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(POLL);
    }
    return null;
  }

  /**
   * Before the finalizer is released for any reason but a verified clean, a clean Job of this Backup is deleted
   * (foreground: the Job stays until its pod is gone) and waited for, so that no clean keeps deleting data the
   * release says is kept. Null when there is none.
   */
  private UpdateControl<Backup> stopCleanJob() {
    if (!r.inProcess().stop(uid)) {
      LOG.info("Backup {}: waiting for the in-process clean to stop before the finalizer is released without a "
          + "clean", key);
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
    }
    Job clean = ToolJobs.owned(ctx, backup, Names.cleanJob(backup.getMetadata().getName()));
    if (clean == null) {
      return null;
    }
    if (clean.getMetadata().getDeletionTimestamp() == null) {
      LOG.info("Backup {}: stopping clean Job {} before the finalizer is released without a clean", key,
          clean.getMetadata().getName());
      r.jobs().deleteForeground(clean);
    }
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
  }

  /** A clean Job that has ended (its pod no longer runs) is removed; no need to wait for it. */
  private void deleteFinishedCleanJob(Job job) {
    r.client().batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName()).delete();
  }

  /** A backup Job still running is deleted, and waited for, before its data is cleaned. */
  private UpdateControl<Backup> stopBackupJobs() {
    String prefix = Names.backupJob(backup.getMetadata().getName(), null);
    boolean waiting = false;
    for (Job job : ctx.getSecondaryResources(Job.class)) {
      String name = job.getMetadata().getName();
      if ((!name.equals(prefix) && !name.startsWith(prefix + "-log-")) || !ToolJobs.belongsTo(job, backup)) {
        continue;
      }
      JobObservation.State s = JobObservation.of(job, List.of(), BackupReconciler.CONTAINER).state();
      if (s == JobObservation.State.PENDING || s == JobObservation.State.RUNNING) {
        if (job.getMetadata().getDeletionTimestamp() == null) {
          r.jobs().deleteForeground(job);
        }
        waiting = true;
      }
    }
    return waiting ? UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB) : null;
  }

  private UpdateControl<Backup> startCleanJob(StorageLocation target) {
    BackupStatus st = current.getStatus();
    int attempts = st.cleanAttempts == null ? 0 : st.cleanAttempts;
    BackupStatus next = BackupStatuses.withCondition(st, Conditions.of(ConditionTypes.CLEAN, FALSE, "Cleaning",
        "cleaning " + target.url() + (attempts > 0 ? " (attempt " + (attempts + 1) + ")" : "")), r.now());
    next.cleanAttempts = attempts + 1;
    if (namespaceTerminating()) {
      return startInProcess(target);
    }
    Job job = CleanJobBuilder.build(backup, backup.getStatus().backupPath, r.settings(), r.cleanPolicy().backoffLimit());
    ToolJobs.Creation created = r.jobs().create(ctx, backup, job);
    switch (created.outcome()) {
      case NAMESPACE_TERMINATING -> {
        return startInProcess(target);
      }
      case WAIT -> {
        return UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
      }
      case TAKEN -> {
        return nameTaken("Job " + created.name() + " already exists and belongs to " + created.holder());
      }
      default -> {
        update(next);
        return UpdateControl.<Backup>noUpdate().rescheduleAfter(POLL);
      }
    }
  }

  private UpdateControl<Backup> observeCleanJob(Job job, JobObservation obs, StorageLocation target) {
    switch (obs.state()) {
      case PENDING, RUNNING -> {
        String progress = progress(job);
        if (progress != null) {
          write(Conditions.of(ConditionTypes.CLEAN, FALSE, "Cleaning", "cleaning " + target.url() + ": " + progress));
        }
        return UpdateControl.<Backup>noUpdate().rescheduleAfter(POLL);
      }
      case SUCCEEDED -> {
        CleanReport report = report(obs.message());
        if (report != null && report.verified()) {
          return finish(report, target, job);
        }
        return failedAttempt(job, obs, "the clean Job succeeded but reported no verified-empty prefix");
      }
      default -> {
        CleanReport report = report(obs.message());
        String error = report != null && report.error() != null ? report.error() : obs.failure();
        String terminal = CleanFailures.terminal(obs.exitCode(), error);
        if (terminal != null) {
          return refused(job, target, terminal, error);
        }
        return failedAttempt(job, obs, error);
      }
    }
  }

  /** A clean no retry can fix: the data is kept, said in a condition and a Warning event, and the Backup goes. */
  private UpdateControl<Backup> refused(Job job, StorageLocation target, String why, String error) {
    String message = "the clean of " + target.url() + " cannot succeed: " + why + " (" + error + "); the data is "
        + "kept there and the Backup is released";
    writeWarning(Conditions.of(ConditionTypes.CLEAN_FAILED, TRUE, "CleanRefused", message));
    deleteFinishedCleanJob(job);
    return release();
  }

  private UpdateControl<Backup> failedAttempt(Job job, JobObservation obs, String error) {
    BackupStatus st = current.getStatus();
    int attempts = st.cleanAttempts == null ? 1 : st.cleanAttempts;
    Instant failedAt = obs.completionTime() != null ? Timestamps.parse(obs.completionTime()) : r.now();
    Instant retryAt = failedAt.plus(r.cleanPolicy().delayAfter(attempts));
    write(Conditions.of(ConditionTypes.CLEAN_FAILED, TRUE, "CleanJobFailed", "clean attempt " + attempts
        + " failed: " + error + "; retrying at " + Timestamps.format(retryAt)));
    Instant now = r.now();
    if (now.isBefore(retryAt)) {
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(Duration.between(now, retryAt));
    }
    r.jobs().deleteForeground(job);
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(ToolJobs.WAIT_FOR_OLD_JOB);
  }

  private UpdateControl<Backup> finish(CleanReport report, StorageLocation target, Job job) {
    r.metrics().record(target.type().scheme(), report);
    if (Boolean.TRUE.equals(report.fallback())) {
      r.events().record(backup, EventRecorder.WARNING, "BatchDeleteUnsupported", "the store behind "
          + target.url() + " rejected DeleteObjects; the clean deleted one object per request");
    }
    write(Conditions.of(ConditionTypes.CLEAN, TRUE, "Cleaned", "deleted " + report.deleted() + " object(s); "
        + target.url() + " verified empty"));
    if (job != null) {
      deleteFinishedCleanJob(job);
    }
    return release();
  }

  /** Namespace terminating: clean here with the credentials Secret, or keep the data and say so. */
  private UpdateControl<Backup> startInProcess(StorageLocation target) {
    BackupSpec spec = backup.getSpec();
    String secretName = secretName(spec);
    Map<String, String> env = null;
    if (secretName != null) {
      try {
        Secret s = r.client().secrets().inNamespace(backup.getMetadata().getNamespace()).withName(secretName).get();
        env = s == null ? null : envOf(s);
      } catch (KubernetesClientException e) {
        env = null;
      }
    } else if (spec.azblob != null && spec.azblob.sasToken != null) {
      env = Map.of(JobEnv.AZURE_SAS_TOKEN, spec.azblob.sasToken);
    }
    if (env == null || spec.local != null) {
      warn("DataOrphaned", "namespace " + backup.getMetadata().getNamespace() + " is terminating and the operator "
          + "cannot clean " + target.url() + " itself (" + (spec.local != null ? "a local volume"
          : "no readable credentials Secret") + "): the data is kept there");
      return release();
    }
    r.events().record(backup, EventRecorder.NORMAL, "CleaningInProcess", "namespace is terminating: the operator "
        + "cleans " + target.url() + " itself");
    write(Conditions.of(ConditionTypes.CLEAN, FALSE, "CleaningInProcess", "cleaning " + target.url()
        + " in the operator (namespace terminating)"));
    r.inProcess().submit(uid, spec, target, env);
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
  }

  private UpdateControl<Backup> pollInProcess(Future<CleanReport> f, StorageLocation target) {
    if (!f.isDone()) {
      return UpdateControl.<Backup>noUpdate().rescheduleAfter(Duration.ofSeconds(1));
    }
    r.inProcess().forget(uid);
    try {
      CleanReport report = f.get();
      if (report.verified()) {
        return finish(report, target, null);
      }
      warn("DataOrphaned", "namespace is terminating and the in-process clean of " + target.url() + " failed: "
          + report.error() + "; the remaining data is kept");
    } catch (ExecutionException | InterruptedException e) {
      warn("DataOrphaned", "namespace is terminating and the in-process clean of " + target.url() + " failed: "
          + e.getMessage() + "; the data is kept");
    }
    return release();
  }

  private boolean namespaceTerminating() {
    try {
      Namespace ns = r.client().namespaces().withName(backup.getMetadata().getNamespace()).get();
      return ns != null && (ns.getMetadata().getDeletionTimestamp() != null
          || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase())));
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  private List<PrefixGuard.Named> otherLiveBackups() {
    return ctx.getPrimaryCache().list()
        .filter(b -> !b.getMetadata().getUid().equals(backup.getMetadata().getUid()))
        .filter(b -> b.getMetadata().getDeletionTimestamp() == null && b.getSpec() != null)
        .map(b -> {
          try {
            String p = b.getStatus() == null ? null : b.getStatus().backupPath;
            return new PrefixGuard.Named(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName(),
                StorageLocation.target(b.getSpec(), p));
          } catch (IllegalArgumentException e) {
            return null;
          }
        })
        .filter(n -> n != null)
        .toList();
  }

  /** "deleted X of Y listed" from the clean pod's last progress line; null when it cannot be read. */
  private String progress(Job job) {
    try {
      Pod pod = JobObservation.latestPod(job, r.jobs().pods(job));
      if (pod == null) {
        return null;
      }
      String log = r.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
          .tailingLines(50).getLog();
      Matcher m = PROGRESS.matcher(log == null ? "" : log);
      String last = null;
      while (m.find()) {
        last = "deleted " + m.group(2) + " of " + m.group(1) + " objects listed so far"
            + ("0".equals(m.group(3)) ? "" : ", " + m.group(3) + " failed in this round");
      }
      return last;
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  static CleanReport report(String message) {
    if (message == null || !message.trim().startsWith("{")) {
      return null;
    }
    try {
      return Serde.fromJson(message.trim(), CleanReport.class);
    } catch (IllegalArgumentException e) {
      return null;
    }
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

  /** A credentials Secret as the env vars a Job would get from it (keys as in TiDB Operator). */
  static Map<String, String> envOf(Secret s) {
    Map<String, String> data = new HashMap<>();
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s.getStringData() != null) {
      data.putAll(s.getStringData());
    }
    Map<String, String> env = new HashMap<>(data);
    if (data.containsKey(JobEnv.S3_ACCESS_KEY)) {
      env.put(JobEnv.AWS_ACCESS_KEY_ID, data.get(JobEnv.S3_ACCESS_KEY));
    }
    if (data.containsKey(JobEnv.S3_SECRET_KEY)) {
      env.put(JobEnv.AWS_SECRET_ACCESS_KEY, data.get(JobEnv.S3_SECRET_KEY));
    }
    if (data.containsKey(JobEnv.GCS_CREDENTIALS_KEY)) {
      env.put(JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY, data.get(JobEnv.GCS_CREDENTIALS_KEY));
    }
    return env;
  }

  private void write(io.tidbbackup.api.BackupCondition c) {
    update(BackupStatuses.withCondition(current.getStatus(), c, r.now()));
  }

  /**
   * Writes a Warning condition and makes sure exactly one Warning event says it: the status writer announces a
   * phase change itself, so the event is recorded here only when the phase stays (a clean that failed before).
   */
  private void writeWarning(io.tidbbackup.api.BackupCondition c) {
    String before = current.getStatus() == null ? null : current.getStatus().phase;
    BackupStatus next = BackupStatuses.withCondition(current.getStatus(), c, r.now());
    update(next);
    if (java.util.Objects.equals(before, next.phase)) {
      warn(c.reason, c.message);
    }
  }

  private void update(BackupStatus next) {
    current = r.writer().write(current, ctx, next);
  }

  private void warn(String reason, String message) {
    r.events().record(backup, EventRecorder.WARNING, reason, message);
  }

  private String annotation(String name) {
    Map<String, String> a = backup.getMetadata().getAnnotations();
    return a == null ? null : a.get(name);
  }

  private UpdateControl<Backup> release() {
    r.inProcess().forget(uid);
    r.releaseFinalizer(current, ctx);
    return UpdateControl.noUpdate();
  }

  static String orNone(String path) {
    return path == null || path.isEmpty() ? "(no path)" : path;
  }
}
