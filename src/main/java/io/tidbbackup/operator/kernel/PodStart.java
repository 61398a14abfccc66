package io.tidbbackup.operator.kernel;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.CustomResource;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.HasPhase;
import io.tidbbackup.operator.run.StartWatch;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import java.time.Duration;
import java.time.Instant;

/**
 * The one handling of a tool Job whose pod may not have started, for every kind: once its pod
 * started after it was said not to, the kind's status says so; while it waits for a cause
 * Kubernetes names (or past {@link StartWatch#UNNAMED_GRACE}), the status says it and one Warning
 * is recorded per cause; at the start deadline the status says the cause (whether or not it was
 * said before) and the caller fails the object and deletes the Job. How each kind says it in its
 * status is its {@link Saying}.
 */
public final class PodStart {
  private PodStart() {}

  /** How a kind's status says its pod's start. */
  public interface Saying<S> {
    /** Whether {@code status} already says this wait (its cause unchanged). */
    boolean said(S status, StartWatch watch);

    /** {@code status} saying the wait. */
    S waiting(S status, StartWatch watch, Instant now);

    /** {@code status} once the pod started after it was said not to; null when nothing changes. */
    S started(S status, Instant now);

    /** The Warning's message (Kubernetes' words for the cause, by default). */
    default String warning(StartWatch watch) {
      return watch.problem().message();
    }
  }

  /** How a kind adds a condition to its status. */
  public interface WithCondition<S> {
    S with(S status, BackupCondition condition, Instant now);
  }

  /**
   * The saying of the kinds with conditions (Backup, Restore): {@code PodStarted=False} with
   * Kubernetes' reason while the pod waits ({@code what}: "backup", "restore", … in its message),
   * {@code PodStarted=True} once it started after that.
   */
  public static <S extends HasPhase> Saying<S> inConditions(String what, WithCondition<S> with) {
    return new Saying<>() {
      @Override
      public boolean said(S status, StartWatch watch) {
        return status != null && watch.alreadySaid(status.currentConditions());
      }

      @Override
      public S waiting(S status, StartWatch watch, Instant now) {
        return with.with(status, watch.condition(what), now);
      }

      @Override
      public S started(S status, Instant now) {
        return status != null && StartWatch.saidNotStarted(status.currentConditions())
            ? with.with(status, StartWatch.started(), now)
            : null;
      }
    };
  }

  /** Where the pod stands. */
  public enum State {
    /** It started (or the Job finished): go on with the Job's observation. */
    STARTED,
    /** It waits: look again after {@link Result#recheck()}. */
    WAITING,
    /** It waited the deadline: fail with {@link Result#watch()}'s failure, delete the Job. */
    EXPIRED
  }

  /** The state, the watch (null when STARTED) and when to look again (WAITING). */
  public record Result(State state, StartWatch watch, Duration recheck) {}

  /**
   * Follows the pod of {@code job} for the object of {@code c}: updates its status and records the
   * Warning as {@link PodStart} says; {@code poll} is how often a waiting pod is looked at.
   */
  public static <P extends CustomResource<?, S>, S extends HasPhase> Result follow(
      ReconcileContext<P, S> c,
      ToolJobs jobs,
      Job job,
      Duration deadline,
      Duration poll,
      Saying<S> saying) {
    StartWatch w = jobs.startWatch(job, deadline, c.now());
    if (w == null) {
      S started = saying.started(c.status(), c.now());
      if (started != null) {
        c.update(started);
      }
      return new Result(State.STARTED, null, null);
    }
    if (w.expired()) {
      // the cause goes into the status with the failure, even when no reconcile between the first
      // look at the pods and the deadline saw it (a slow kubelet); its Warning is the failure's
      if (!saying.said(c.status(), w)) {
        c.update(saying.waiting(c.status(), w, c.now()));
      }
      return new Result(State.EXPIRED, w, null);
    }
    say(c, w, saying);
    return new Result(State.WAITING, w, w.recheck(poll, c.now()));
  }

  /**
   * A wait said: once Kubernetes names its cause (or past the grace), the status says it and one
   * Warning is recorded, unless the status says it already.
   */
  public static <S> void say(StatusAndEvents<S> c, StartWatch w, Saying<S> saying) {
    if (w.show() && !saying.said(c.status(), w)) {
      c.update(saying.waiting(c.status(), w, c.now()));
      c.event(EventType.WARNING, Reason.PodNotStarted, saying.warning(w));
    }
  }
}
