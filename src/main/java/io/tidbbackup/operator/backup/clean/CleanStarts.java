package io.tidbbackup.operator.backup.clean;

import static io.tidbbackup.api.ConditionTypes.FALSE;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.operator.job.CleanJobBuilder;
import io.tidbbackup.operator.run.InProcessCredentials;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.storage.StorageLocation;
import java.util.Map;

/**
 * A clean started: as a Job of this project's agent, or, in a namespace being deleted (where no Job
 * can run), in the operator itself with the Backup's own static keys (never the operator's
 * identity), or not at all, said.
 */
final class CleanStarts {
  private final CleanContext c;
  private final CleanSteps steps;
  private final CleanFacts facts;

  CleanStarts(CleanContext c, CleanSteps steps, CleanFacts facts) {
    this.c = c;
    this.steps = steps;
    this.facts = facts;
  }

  UpdateControl<Backup> startCleanJob(StorageLocation target) {
    Backup backup = c.backup();
    BackupStatus st = c.status();
    int attempts = st.cleanAttempts == null ? 0 : st.cleanAttempts;
    BackupStatus next =
        c.withCondition(
            st,
            Conditions.of(
                ConditionTypes.CLEAN,
                FALSE,
                Reason.Cleaning,
                "cleaning "
                    + target.url()
                    + (attempts > 0 ? " (attempt " + (attempts + 1) + ")" : "")));
    next.cleanAttempts = attempts + 1;
    if (facts.terminating()) {
      return startInProcess(target);
    }
    Job job =
        CleanJobBuilder.build(
            backup,
            backup.getStatus().backupPath,
            c.jobSettings(),
            c.cleanPolicy().backoffLimit(),
            c.cleanPolicy().activeDeadline().toSeconds());
    ToolJobs.Creation created = c.jobs().create(c.josdk(), backup, job);
    switch (created.outcome()) {
      case NAMESPACE_TERMINATING -> {
        return startInProcess(target);
      }
      case WAIT -> {
        return CleanSteps.after(c.intervals().oldJob());
      }
      case TAKEN -> {
        return steps.nameTaken(created.takenMessage(null));
      }
      default -> {
        c.update(next);
        return CleanSteps.after(c.intervals().cleanPoll());
      }
    }
  }

  /**
   * Namespace terminating: clean here with the static keys of the Backup's own Secret, or keep the
   * data and say why (InProcessCredentials: never with the operator's identity).
   */
  UpdateControl<Backup> startInProcess(StorageLocation target) {
    Backup backup = c.backup();
    BackupSpec spec = backup.getSpec();
    String secretName = secretName(spec);
    Secret secret = null;
    String unreadable = null;
    if (secretName != null) {
      try {
        secret =
            c.client()
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
      steps.warn(
          Reason.DataOrphaned,
          "namespace "
              + backup.getMetadata().getNamespace()
              + " is terminating and the operator cannot clean "
              + target.url()
              + " itself ("
              + creds.refusal()
              + "): the data is kept there");
      return steps.release();
    }
    Map<String, String> env = creds.env();
    c.event(
        EventType.NORMAL,
        Reason.CleaningInProcess,
        "namespace is terminating: the operator " + "cleans " + target.url() + " itself");
    steps.write(
        Conditions.of(
            ConditionTypes.CLEAN,
            FALSE,
            Reason.CleaningInProcess,
            "cleaning " + target.url() + " in the operator (namespace terminating)"));
    c.inProcess().submit(backup.getMetadata().getUid(), spec, target, env);
    return CleanSteps.after(c.intervals().inProcessPoll());
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
}
