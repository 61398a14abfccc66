package io.tidbbackup.operator.backup.clean;

import static io.tidbbackup.api.ConditionTypes.FALSE;
import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.run.StartWatch;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.storage.StorageLocation;
import java.time.Duration;
import java.time.Instant;

/**
 * What every step of a clean says and how it ends, on the {@link CleanContext}: a condition (with
 * exactly one Warning when it is one), the name of the clean Job held by another object, the
 * release of the finalizer, a look again later.
 */
final class CleanSteps {
  private final CleanContext c;

  CleanSteps(CleanContext c) {
    this.c = c;
  }

  static UpdateControl<Backup> after(Duration d) {
    return UpdateControl.<Backup>noUpdate().rescheduleAfter(d);
  }

  /**
   * The clean Job's name is held by a Job that is not this Backup's: said, and looked at again
   * later.
   */
  UpdateControl<Backup> nameTaken(String message) {
    writeWarning(
        Conditions.of(
            ConditionTypes.CLEAN_FAILED,
            TRUE,
            Reason.JobNameTaken,
            message + "; the data is kept until that Job is removed"));
    return CleanSteps.after(c.intervals().clusterRetry());
  }

  void write(io.tidbbackup.api.BackupCondition condition) {
    c.update(c.withCondition(c.status(), condition));
  }

  /**
   * Writes a Warning condition and makes sure exactly one Warning event says it: the status writer
   * announces a phase change itself, so the event is recorded here only when the phase stays (a
   * clean that failed before).
   */
  void writeWarning(io.tidbbackup.api.BackupCondition condition) {
    String before = c.status() == null ? null : c.status().phase;
    BackupStatus next = c.withCondition(c.status(), condition);
    c.update(next);
    if (java.util.Objects.equals(before, next.phase)) {
      warn(Reason.valueOf(condition.reason), condition.message);
    }
  }

  void warn(Reason reason, String message) {
    c.event(EventType.WARNING, reason, message);
  }

  UpdateControl<Backup> release() {
    c.inProcess().forget(c.backup().getMetadata().getUid());
    c.releaseFinalizer();
    return UpdateControl.noUpdate();
  }

  /** How the clean says its pod's start: in its Clean condition (the Backup's phase is kept). */
  io.tidbbackup.operator.kernel.PodStart.Saying<BackupStatus> notStarting(StorageLocation target) {
    return new io.tidbbackup.operator.kernel.PodStart.Saying<>() {
      @Override
      public boolean said(BackupStatus st, StartWatch w) {
        BackupCondition now =
            Conditions.find(st == null ? null : st.conditions, ConditionTypes.CLEAN);
        return now != null && warning(w).equals(now.message);
      }

      @Override
      public BackupStatus waiting(BackupStatus st, StartWatch w, Instant now) {
        return c.withCondition(
            st, Conditions.of(ConditionTypes.CLEAN, FALSE, Reason.PodNotStarted, warning(w)));
      }

      @Override
      public BackupStatus started(BackupStatus st, Instant now) {
        return null;
      }

      @Override
      public String warning(StartWatch w) {
        return "the clean of "
            + target.url()
            + " cannot start: "
            + w.problem().message()
            + (w.deadline() == null
                ? ""
                : "; the Backup is released with its data kept at "
                    + Timestamps.format(w.deadline())
                    + " unless it starts");
      }
    };
  }
}
