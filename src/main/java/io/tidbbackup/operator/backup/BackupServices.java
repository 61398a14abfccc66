package io.tidbbackup.operator.backup;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.cluster.LogTasks;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.kernel.Throttle;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.StatusWriter;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Clock;

/**
 * What the Backup flows work with, made once by {@link BackupReconciler} and handed to each {@link
 * BackupContext}.
 */
record BackupServices(
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
    Throttle reads,
    io.tidbbackup.operator.run.SecretHolds holds) {}
