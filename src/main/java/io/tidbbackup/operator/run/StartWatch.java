package io.tidbbackup.operator.run;

import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.GoDuration;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a reconcile makes of a tool Job whose pod has not started (pure): shown as condition {@code
 * PodStarted=False} (reason: Kubernetes' own word) once Kubernetes names the cause, or after {@link
 * #UNNAMED_GRACE} when it does not; a failure once the pod has waited the start deadline; and a
 * look again before then, since nothing else wakes the reconcile while a pod waits.
 *
 * @param problem why the pod has not started
 * @param deadline when the wait becomes a failure (null: its start is not known)
 * @param expired the deadline has passed
 * @param show the wait is worth a condition
 */
public record StartWatch(StartProblem problem, Instant deadline, boolean expired, boolean show) {

  /** A pod Pending for no reason Kubernetes gives is said only after this long. */
  public static final Duration UNNAMED_GRACE = Duration.ofMinutes(2);

  /** Null when there is no problem. */
  public static StartWatch of(StartProblem problem, Duration startDeadline, Instant now) {
    if (problem == null) {
      return null;
    }
    Instant deadline = problem.since() == null ? null : problem.since().plus(startDeadline);
    boolean expired = deadline != null && !now.isBefore(deadline);
    boolean show =
        problem.known()
            || (problem.since() != null && !now.isBefore(problem.since().plus(UNNAMED_GRACE)));
    return new StartWatch(problem, deadline, expired, show);
  }

  /** {@code PodStarted=False}, its message stable from one reconcile to the next. */
  public BackupCondition condition(String what) {
    return new BackupCondition(
        ConditionTypes.POD_STARTED,
        ConditionTypes.FALSE,
        problem.reason(),
        problem.message()
            + (deadline == null
                ? ""
                : "; the "
                    + what
                    + " fails at "
                    + Timestamps.format(deadline)
                    + " unless it starts"));
  }

  /** {@code PodStarted=True}, for a pod that started after it was said not to. */
  public static BackupCondition started() {
    return Conditions.of(ConditionTypes.POD_STARTED, ConditionTypes.TRUE, Reason.PodStarted, null);
  }

  /** Whether {@code conditions} say the pod has not started, with this same reason. */
  public boolean alreadySaid(List<BackupCondition> conditions) {
    BackupCondition c = Conditions.find(conditions, ConditionTypes.POD_STARTED);
    return c != null && ConditionTypes.FALSE.equals(c.status) && problem.reason().equals(c.reason);
  }

  /** Whether {@code conditions} say a pod has not started (so a start is worth saying). */
  public static boolean saidNotStarted(List<BackupCondition> conditions) {
    BackupCondition c = Conditions.find(conditions, ConditionTypes.POD_STARTED);
    return c != null && ConditionTypes.FALSE.equals(c.status);
  }

  /** The failure's message. */
  public String failure(Duration startDeadline) {
    return "its pod did not start within "
        + GoDuration.format(startDeadline)
        + " ("
        + problem.reason()
        + "): "
        + problem.message();
  }

  /** When to look again: the poll, or the deadline if it comes first. */
  public Duration recheck(Duration poll, Instant now) {
    if (problem.unread() && problem.since() != null) {
      // the pods are read from the first look on: look then, not a whole poll later
      Duration look =
          Duration.between(now, problem.since().plus(StartProblem.FIRST_LOOK)).plusMillis(100);
      if (!look.isNegative() && look.compareTo(poll) < 0) {
        poll = look;
      }
    }
    if (deadline == null) {
      return poll;
    }
    Duration left = Duration.between(now, deadline).plusMillis(100);
    return left.compareTo(poll) < 0 ? left : poll;
  }
}
