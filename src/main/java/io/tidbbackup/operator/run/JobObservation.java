package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Serde;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Pure reading of a tool Job and its pods: whether it is pending, running, succeeded or failed,
 * when it started and ended, and what the agent reported in its termination message.
 *
 * <p>RUNNING means the tool runs or ran: a pod of the Job is ready, or one has ended. An active pod
 * or a Job {@code startTime} is not enough: the Job controller sets both as soon as it creates a
 * pod, which may then stay Pending, unschedulable or unable to pull its image. TiDB Operator's
 * Backup says Running only once backup-manager runs in the pod, and so do we.
 */
public record JobObservation(
    State state,
    String startTime,
    String completionTime,
    AgentResult result,
    String failure,
    String message,
    Integer exitCode) {

  public enum State {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  public static JobObservation of(Job job, List<Pod> pods, String container) {
    var st = job.getStatus();
    String start = st == null ? null : st.getStartTime();
    String end = st == null ? null : st.getCompletionTime();
    ContainerStateTerminated term = resultOf(job, pods, container);
    AgentResult result = parse(term);
    String message = term == null ? null : term.getMessage();
    Integer exit = term == null ? null : term.getExitCode();
    if (conditionTrue(job, "Complete") || conditionTrue(job, "SuccessCriteriaMet")) {
      return new JobObservation(
          State.SUCCEEDED,
          start,
          end != null ? end : lastTransition(job, "Complete"),
          result,
          null,
          message,
          exit);
    }
    if (conditionTrue(job, "Failed")) {
      return new JobObservation(
          State.FAILED,
          start,
          lastTransition(job, "Failed"),
          result,
          failureText(job, term, result),
          message,
          exit);
    }
    return new JobObservation(
        startedOrFinished(job) ? State.RUNNING : State.PENDING,
        start,
        null,
        result,
        null,
        message,
        exit);
  }

  /**
   * The terminated container that speaks for the Job: for a succeeded Job the one that exited 0,
   * else the newest terminated one (a Job with retries has several pods).
   */
  static ContainerStateTerminated resultOf(Job job, List<Pod> pods, String container) {
    String uid = job.getMetadata().getUid();
    List<ContainerStateTerminated> terms =
        pods.stream()
            .filter(
                p ->
                    p.getMetadata().getOwnerReferences() != null
                        && p.getMetadata().getOwnerReferences().stream()
                            .map(OwnerReference::getUid)
                            .anyMatch(u -> Objects.equals(u, uid)))
            .sorted(
                Comparator.comparing(
                    (Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")))
            .map(p -> terminated(p, container))
            .filter(Objects::nonNull)
            .toList();
    if (terms.isEmpty()) {
      return null;
    }
    return terms.stream()
        .filter(t -> Integer.valueOf(0).equals(t.getExitCode()))
        .reduce((a, b) -> b)
        .filter(t -> conditionTrue(job, "Complete") || conditionTrue(job, "SuccessCriteriaMet"))
        .orElse(terms.get(terms.size() - 1));
  }

  /** The newest pod owned by this Job (by UID), or null. */
  public static Pod latestPod(Job job, List<Pod> pods) {
    String uid = job.getMetadata().getUid();
    return pods.stream()
        .filter(
            p ->
                p.getMetadata().getOwnerReferences() != null
                    && p.getMetadata().getOwnerReferences().stream()
                        .map(OwnerReference::getUid)
                        .anyMatch(u -> Objects.equals(u, uid)))
        .max(
            Comparator.comparing(p -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")))
        .orElse(null);
  }

  static ContainerStateTerminated terminated(Pod pod, String container) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
      if (container.equals(cs.getName())
          && cs.getState() != null
          && cs.getState().getTerminated() != null) {
        return cs.getState().getTerminated();
      }
    }
    return null;
  }

  public static AgentResult parse(ContainerStateTerminated term) {
    if (term == null || term.getMessage() == null || !term.getMessage().trim().startsWith("{")) {
      return null;
    }
    try {
      return Serde.fromJson(term.getMessage().trim(), AgentResult.class);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String failureText(Job job, ContainerStateTerminated term, AgentResult result) {
    if (result != null && result.error != null && !result.error.isEmpty()) {
      return result.error;
    }
    if (term != null) {
      String msg =
          term.getMessage() != null && !term.getMessage().isBlank()
              ? ": " + term.getMessage().trim()
              : "";
      return "container exited with code "
          + term.getExitCode()
          + (term.getReason() != null ? " (" + term.getReason() + ")" : "")
          + msg;
    }
    JobCondition c = condition(job, "Failed");
    if (c != null && (c.getReason() != null || c.getMessage() != null)) {
      return "Job failed: "
          + Objects.toString(c.getReason(), "")
          + " "
          + Objects.toString(c.getMessage(), "");
    }
    return "Job failed";
  }

  static boolean conditionTrue(Job job, String type) {
    JobCondition c = condition(job, type);
    return c != null && "True".equals(c.getStatus());
  }

  static String lastTransition(Job job, String type) {
    JobCondition c = condition(job, type);
    return c == null ? null : c.getLastTransitionTime();
  }

  static JobCondition condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  /**
   * Whether the Job finished, or a pod of it is ready or has ended (nothing to look for, and no pod
   * list needed).
   */
  public static boolean startedOrFinished(Job job) {
    if (conditionTrue(job, "Complete")
        || conditionTrue(job, "SuccessCriteriaMet")
        || conditionTrue(job, "Failed")
        || conditionTrue(job, "FailureTarget")) {
      return true;
    }
    var st = job.getStatus();
    return st != null
        && ((st.getReady() != null && st.getReady() > 0)
            || (st.getSucceeded() != null && st.getSucceeded() > 0)
            || (st.getFailed() != null && st.getFailed() > 0));
  }
}
