package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.operator.cluster.ClusterNotFound;
import io.tidbbackup.operator.job.BackupJobBuilder;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.OwnedSecrets;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.validation.BackupValidator;
import java.util.Optional;

/**
 * Starts the Job of a snapshot backup ({@code log == null}) or of one log subcommand, used by the
 * snapshot, log and clean flows: resolve the cluster, validate against its version, create the Job,
 * and record Scheduled, or why not (a missing TidbCluster is retried; a Job name another object
 * holds is {@code JobNameTaken}).
 */
final class BackupJobStart {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(BackupJobStart.class);

  private BackupJobStart() {}

  static UpdateControl<Backup> start(BackupContext c, LogSubCommand log) {
    Backup backup = c.backup();
    BackupSpec spec = backup.getSpec();
    BackupServices s = c.services();
    String command = log == null ? null : log.value();
    ClusterFacts facts;
    try {
      facts = s.clusters().resolve(backup, spec.br, spec.toolImage);
    } catch (ClusterNotFound e) {
      condition(c, command, ConditionTypes.RETRY_FAILED, e.reason(), e.getMessage());
      return BackupContext.after(s.intervals().clusterRetry());
    }
    Optional<String> invalid = BackupValidator.validate(spec, facts.tikvVersion());
    if (invalid.isPresent()) {
      c.update(BackupStatuses.invalid(c.status(), invalid.get(), c.now()));
      return BackupContext.done();
    }
    if (spec.azblob != null && spec.azblob.sasToken != null && !spec.azblob.sasToken.isEmpty()) {
      c.jobs().createOnce(OwnedSecrets.sasSecret(backup, "backup", spec.azblob.sasToken));
    }
    Job job = BackupJobBuilder.build(backup, log, facts, s.settings());
    ToolJobs.Creation created;
    try {
      created = c.jobs().create(c.josdk(), backup, job);
    } catch (KubernetesClientException e) {
      condition(
          c,
          command,
          ConditionTypes.RETRY_FAILED,
          Reason.CreateBackupJobFailed,
          "could not create Job " + job.getMetadata().getName() + ": " + e.getMessage());
      c.flush();
      throw e;
    }
    switch (created.outcome()) {
      case WAIT -> {
        return BackupContext.after(s.intervals().oldJob());
      }
      case TAKEN -> {
        condition(
            c,
            command,
            ConditionTypes.INVALID,
            Reason.JobNameTaken,
            created.takenMessage("Backup"));
        return BackupContext.done();
      }
      case NAMESPACE_TERMINATING -> {
        LOG.info(
            "Backup {}: namespace is terminating; Job {} cannot be created",
            c.key(),
            created.name());
        return BackupContext.done();
      }
      default -> {}
    }
    String path = BackupJobBuilder.backupPath(backup);
    c.update(
        log == null
            ? BackupStatuses.scheduled(c.status(), null, path, created.name(), c.now())
            : LogStatuses.scheduled(c.status(), log, spec, path, created.name(), c.now()));
    // look again even if the Job never changes (no pod can be created for it): StartWatch
    return BackupContext.after(s.intervals().startPoll());
  }

  /** A condition of this (sub)command, True, into the reconcile's status. */
  private static void condition(
      BackupContext c, String command, String type, Reason reason, String message) {
    c.update(
        BackupStatuses.withCondition(
            c.status(),
            Conditions.ofCommand(command, type, ConditionTypes.TRUE, reason, message),
            c.now()));
  }
}
