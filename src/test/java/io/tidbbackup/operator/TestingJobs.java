package io.tidbbackup.operator;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Serde;

/**
 * The Jobs and pods of the synchronous reconciler tests, as the Job controller and a kubelet would
 * leave them: a Job with a status, a Job that ended, the pod whose container ended with the agent's
 * result in its termination message.
 */
public final class TestingJobs {
  private TestingJobs() {}

  /** A copy of {@code job} with this status. */
  public static Job withStatus(Job job, JobStatusBuilder status) {
    Job j = Serde.copy(job, Job.class);
    j.setStatus(status.build());
    return j;
  }

  /**
   * A copy of {@code job} that ended three minutes after it started: {@code Complete} or {@code
   * Failed}.
   */
  public static Job ended(Job job, String type) {
    return withStatus(
        job,
        new JobStatusBuilder()
            .withStartTime("2024-05-01T10:00:05Z")
            .withCompletionTime("2024-05-01T10:03:05Z")
            .withSucceeded(type.equals("Complete") ? 1 : 0)
            .withFailed(type.equals("Failed") ? 1 : 0)
            .withConditions(
                new JobConditionBuilder()
                    .withType(type)
                    .withStatus("True")
                    .withLastTransitionTime("2024-05-01T10:03:05Z")
                    .build()));
  }

  /**
   * The pod of {@code job}, created on the API server, whose {@code container} ended with {@code
   * exitCode} and {@code result} as its termination message.
   */
  public static void endedPod(
      KubernetesClient client, Job job, String container, AgentResult result, int exitCode) {
    pod(
        client,
        job,
        null,
        new ContainerStatusBuilder()
            .withName(container)
            .withNewState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withMessage(Serde.json(result))
            .endTerminated()
            .endState()
            .build());
  }

  /**
   * The pod of {@code job}, created on the API server, Pending with {@code container} waiting for
   * {@code reason}; returns when the API server says it was made (the start deadline counts from
   * then).
   */
  public static java.time.Instant waitingPod(
      KubernetesClient client, Job job, String container, String reason, String message) {
    return java.time.Instant.parse(
        pod(
                client,
                job,
                "Pending",
                new ContainerStatusBuilder()
                    .withName(container)
                    .withNewState()
                    .withNewWaiting()
                    .withReason(reason)
                    .withMessage(message)
                    .endWaiting()
                    .endState()
                    .build())
            .getMetadata()
            .getCreationTimestamp());
  }

  private static io.fabric8.kubernetes.api.model.Pod pod(
      KubernetesClient client,
      Job job,
      String phase,
      io.fabric8.kubernetes.api.model.ContainerStatus container) {
    return client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(job.getMetadata().getName() + "-abcde")
                .withNamespace(job.getMetadata().getNamespace())
                .addToLabels("job-name", job.getMetadata().getName())
                .addNewOwnerReference()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(job.getMetadata().getName())
                .withUid(job.getMetadata().getUid())
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewStatus()
                .withPhase(phase)
                .withContainerStatuses(container)
                .endStatus()
                .build())
        .create();
  }
}
