package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tidbbackup.operator.job.Names;
import java.util.List;

/**
 * What a tool Job's pods say, read for {@link ToolJobs}: the Job's observation with its pods once
 * it finished, why its pod has not started, the progress its agent printed. Reads only.
 */
final class JobPods {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobPods.class);

  private final KubernetesClient client;
  private final FailedCreates failedCreates;

  JobPods(KubernetesClient client, FailedCreates failedCreates) {
    this.client = client;
    this.failedCreates = failedCreates;
  }

  /**
   * The Job and its pods, read as one observation. Pods are listed only once the Job has finished.
   */
  JobObservation observe(Job job, String container) {
    JobObservation first = JobObservation.of(job, List.of(), container);
    if (first.state() != JobObservation.State.SUCCEEDED
        && first.state() != JobObservation.State.FAILED) {
      return first;
    }
    return JobObservation.of(job, pods(job), container);
  }

  /**
   * Whether the pod of an unfinished Job has started, and what that means ({@link StartWatch};
   * null: it started or the Job finished).
   */
  StartWatch startWatch(Job job, java.time.Duration startDeadline, java.time.Instant now) {
    return StartWatch.of(startProblem(job, startDeadline, now), startDeadline, now);
  }

  /**
   * Why the pod of an unfinished Job has not started, or null. Pods are listed only while none of
   * the Job's pods is ready and the Job is past its {@link StartProblem#FIRST_LOOK}, from the API
   * server's watch cache (resourceVersion 0: a diagnosis, not worth a quorum read of etcd); the Job
   * controller's FailedCreate events, which have no watch cache, are watched ({@link
   * FailedCreates}) and asked only when the Job has no pod.
   */
  StartProblem startProblem(Job job, java.time.Duration startDeadline, java.time.Instant now) {
    if (JobObservation.startedOrFinished(job)) {
      return null;
    }
    // the namespace's watch gets its first list while the Job is young
    failedCreates.watch(job.getMetadata().getNamespace());
    StartProblem unread = StartProblem.unread(job, now, startDeadline);
    if (unread != null) {
      return unread;
    }
    List<Pod> pods = pods(job, cached());
    String failedCreate =
        JobObservation.latestPod(job, pods) == null ? failedCreates.latest(job) : null;
    return StartProblem.of(job, pods, failedCreate);
  }

  /**
   * A list served from the API server's watch cache rather than a quorum read of etcd. New for
   * every list: fabric8 writes the request's selectors into the options it is given.
   */
  private static io.fabric8.kubernetes.api.model.ListOptions cached() {
    return new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
        .withResourceVersion("0")
        .build();
  }

  /**
   * The pods of a Job (by the Job controller's label; {@link JobObservation} keeps those it owns by
   * UID).
   */
  List<Pod> pods(Job job) {
    return pods(job, new io.fabric8.kubernetes.api.model.ListOptions());
  }

  private List<Pod> pods(Job job, io.fabric8.kubernetes.api.model.ListOptions options) {
    return client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .withLabel(Names.JOB_NAME_LABEL, job.getMetadata().getName())
        .list(options)
        .getItems();
  }

  /** How many lines of a running pod's log are read for its progress. */
  static final int PROGRESS_LINES = 300;

  /**
   * The progress of each step the agent of the Job's newest pod has printed (AgentProtocol's
   * progress lines, the last of each step), from the tail of its log; empty when none can be read.
   */
  io.tidbbackup.api.AgentProtocol.Reported reported(Job job, String container) {
    return io.tidbbackup.api.AgentProtocol.Reported.of(logTail(job, container, PROGRESS_LINES));
  }

  /**
   * The last {@code lines} lines of the log of the Job's newest pod owned by it, or null when there
   * is no pod or its log cannot be read (a pod just started, a kubelet not answering): a log is
   * read for progress only, never for a decision.
   */
  String logTail(Job job, String container, int lines) {
    try {
      Pod pod = JobObservation.latestPod(job, pods(job, cached()));
      if (pod == null) {
        return null;
      }
      return client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .inContainer(container)
          .tailingLines(lines)
          .getLog();
    } catch (KubernetesClientException e) {
      LOG.debug(
          "cannot read the log of Job {}/{}: {}",
          job.getMetadata().getNamespace(),
          job.getMetadata().getName(),
          e.getMessage());
      return null;
    }
  }
}
