package io.tidbbackup.operator.kernel;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.cluster.LogTasks;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.OperatorSettings;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.StatusWriter;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Clock;

/**
 * What every reconciler is made with, made once by {@code OperatorFactory} and shared by both API
 * groups' reconcilers (one status writer, one in-process cleaner, one PD client per address, one
 * watch of FailedCreate events per namespace, one memory of the Secrets held).
 */
public record Dependencies(
    KubernetesClient client,
    Clock clock,
    StatusWriter writer,
    EventRecorder events,
    ToolJobs jobs,
    OperatorSettings settings,
    ClusterFactsResolver clusters,
    InProcessCleaner inProcess,
    CleanMetrics cleanMetrics,
    LogTasks logTasks,
    io.tidbbackup.operator.run.SecretHolds holds,
    io.tidbbackup.operator.run.StoragePreflight preflight) {}
