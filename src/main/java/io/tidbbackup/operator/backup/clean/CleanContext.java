package io.tidbbackup.operator.backup.clean;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.kernel.StatusAndEvents;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.storage.CleanMetrics;

/**
 * What the clean flow is given by the Backup's reconcile (the port this room owns; the Backup
 * room's context implements it): the object and its status as computed in this reconcile, one clock
 * reading, the events, the tool Jobs, the services, and the few things of a Backup's own status
 * arithmetic the clean needs. Nothing here is read from or written to the API server but through
 * these.
 */
public interface CleanContext extends StatusAndEvents<BackupStatus> {
  Backup backup();

  Context<Backup> josdk();

  /** "namespace/name", for log lines. */
  String key();

  ToolJobs jobs();

  KubernetesClient client();

  InProcessCleaner inProcess();

  JobSettings jobSettings();

  CleanJobPolicy cleanPolicy();

  CleanMetrics metrics();

  ReconcileIntervals intervals();

  /** {@code status} with {@code condition} set (the Backup's condition arithmetic). */
  BackupStatus withCondition(BackupStatus status, BackupCondition condition);

  /** Whether the log backup's task runs or is paused, so that it is to be stopped first. */
  boolean logTaskRuns();

  /**
   * Records a finished {@code br log stop} Job's outcome in the status, once; true when it was not
   * recorded before.
   */
  boolean recordLogStop(JobObservation stop);

  /** Starts the {@code br log stop} Job. */
  void startLogStop();

  /** Flushes the status, then removes the finalizer: the Backup goes. */
  void releaseFinalizer();
}
