package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.api.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Why the pod of an unfinished tool Job has not started (pure): the Job controller could not create
 * it (its {@code FailedCreate} event: a missing ServiceAccount, a quota, Pod Security), the
 * scheduler cannot place it, a container waits for a reason that does not pass by itself (an image
 * it cannot pull, a Secret or key that is missing), or it is simply still {@code Pending}.
 *
 * @param reason Kubernetes' own word: {@code FailedCreate}, {@code Unschedulable}, a container's
 *     waiting reason ({@code ImagePullBackOff}, {@code CreateContainerConfigError}, …), or {@code
 *     Pending} / {@code NoPod} when nothing more is known
 * @param message what Kubernetes said, naming the pod and container
 * @param since when the wait began: the pod's creation, or the Job's when there is no pod
 * @param known whether Kubernetes named the cause (every reason but Pending and NoPod)
 */
public record StartProblem(String reason, String message, Instant since, boolean known) {

  /** Waiting reasons that mean the container will not start without someone's help. */
  public static final Set<String> STUCK_WAITING =
      Set.of(
          "ImagePullBackOff",
          "ErrImagePull",
          "ErrImageNeverPull",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError",
          "PreCreateHookError",
          "PreStartHookError");

  /**
   * The problem, or null when the Job's pod started (a container runs or ran), the Job finished, or
   * a pod of it is ready.
   *
   * @param failedCreate the message of the Job controller's newest FailedCreate event for this Job,
   *     or null
   */
  public static StartProblem of(Job job, List<Pod> pods, String failedCreate) {
    if (JobObservation.startedOrFinished(job)) {
      return null;
    }
    Pod pod = JobObservation.latestPod(job, pods);
    if (pod == null) {
      Instant since = Timestamps.parse(job.getMetadata().getCreationTimestamp());
      String name = job.getMetadata().getName();
      return failedCreate != null
          ? new StartProblem(
              "FailedCreate",
              "Job " + name + " cannot create its pod: " + failedCreate,
              since,
              true)
          : new StartProblem("NoPod", "Job " + name + " has no pod yet", since, false);
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (phase != null && !phase.equals("Pending")) {
      return null;
    }
    String name = pod.getMetadata().getName();
    Instant since = Timestamps.parse(pod.getMetadata().getCreationTimestamp());
    List<ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus() != null) {
      if (pod.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getInitContainerStatuses());
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getContainerStatuses());
      }
    }
    for (ContainerStatus cs : statuses) {
      var waiting = cs.getState() == null ? null : cs.getState().getWaiting();
      if (waiting != null && STUCK_WAITING.contains(waiting.getReason())) {
        String said = waiting.getMessage() == null ? "" : ": " + waiting.getMessage();
        return new StartProblem(
            waiting.getReason(),
            "pod " + name + ", container " + cs.getName() + ": " + waiting.getReason() + said,
            since,
            true);
      }
    }
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition pc : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(pc.getType())
            && "False".equals(pc.getStatus())
            && "Unschedulable".equals(pc.getReason())) {
          return new StartProblem(
              "Unschedulable",
              "pod " + name + " cannot be scheduled: " + pc.getMessage(),
              since,
              true);
        }
      }
    }
    return new StartProblem("Pending", "pod " + name + " is Pending", since, false);
  }

  /**
   * How long after a Job's creation its pods are first read (and its FailedCreate events asked): a
   * pod takes seconds to appear and to be scheduled, and listing them for every young Job of a
   * burst (thousands of Backups at once) would cost the API server a list per reconcile for nothing
   * to say.
   */
  public static final java.time.Duration FIRST_LOOK = java.time.Duration.ofSeconds(10);

  /**
   * What is said of a Job too young to have its pods read ({@link #FIRST_LOOK}, or its start
   * deadline if that comes first), or null once they are worth reading. Never shown: a problem
   * Kubernetes has not named is said only after {@code StartWatch.UNNAMED_GRACE}.
   */
  public static StartProblem unread(Job job, Instant now, java.time.Duration startDeadline) {
    Instant since = Timestamps.parse(job.getMetadata().getCreationTimestamp());
    java.time.Duration look =
        startDeadline != null && startDeadline.compareTo(FIRST_LOOK) < 0
            ? startDeadline
            : FIRST_LOOK;
    if (since == null || !now.isBefore(since.plus(look))) {
      return null;
    }
    return new StartProblem(
        UNREAD,
        "Job " + job.getMetadata().getName() + " was just created; its pod is not looked at yet",
        since,
        false);
  }

  /** The reason of {@link #unread}: never shown (it never lasts {@code UNNAMED_GRACE}). */
  static final String UNREAD = "NotLookedAtYet";

  /** Whether the Job was too young for its pods to be read: the first look is worth making soon. */
  public boolean unread() {
    return UNREAD.equals(reason);
  }
}
