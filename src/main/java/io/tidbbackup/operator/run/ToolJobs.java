package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.tidbbackup.operator.job.Names;

/**
 * The one life of a tool Job, for every kind and role (backup, log subcommand, restore, prune,
 * compact, clean): find the Job that belongs to the object by UID, tell a Job of an earlier object
 * of the same name (waited for) from a name taken by another object (reported, never adopted),
 * notice a Job that vanished before it finished (the run is Failed with {@code JobDeleted}, never
 * re-created), create a Job so that the next reconcile sees it, observe it, and delete it in the
 * foreground. {@link KubeToolJobs} is the one on the API server; a test may fake it.
 *
 * <p>A Job belongs to an object when its controller owner reference carries the object's UID; a
 * clean Job, which has no owner reference (the Backup's foreground deletion must not collect it),
 * when its {@link Names#BACKUP_UID_ANNOTATION} does.
 */
public interface ToolJobs {
  /** What one reconcile found under one Job name. */
  public enum Kind {
    /** No Job, and none was expected: create it. */
    ABSENT,
    /**
     * A Job of an earlier object of the same name, or this object's Job being deleted: look again
     * later.
     */
    WAIT,
    /**
     * The Job was created (the status says so) and is gone before it finished: someone deleted it.
     */
    DELETED,
    /** Another object's Job (or one made by hand) has the name. */
    TAKEN,
    /** This object's Job, observed. */
    OBSERVED
  }

  /**
   * A {@link Kind} with what goes with it: the Job and its observation (OBSERVED), or who holds the
   * name (TAKEN).
   */
  public record Step(Kind kind, String name, Job job, JobObservation observation, String holder) {
    public String takenMessage() {
      return taken(name, holder, "object");
    }

    public String deletedMessage(String what) {
      return "Job "
          + name
          + " was deleted before it finished; the "
          + what
          + " is not run again (create a new "
          + "object to run it again)";
    }
  }

  /** What a create did. */
  public enum Created {
    CREATED,
    WAIT,
    TAKEN,
    NAMESPACE_TERMINATING
  }

  /** A create's outcome, with the holder of the name when TAKEN. */
  public record Creation(Created outcome, String name, String holder) {
    /** The TAKEN outcome said, naming what to rename ({@code kind}; null: no advice). */
    public String takenMessage(String kind) {
      return taken(name, holder, kind);
    }
  }

  /** The one way a Job name held by another object is said. */
  private static String taken(String name, String holder, String rename) {
    return "Job "
        + name
        + " already exists and belongs to "
        + holder
        + (rename == null ? "" : ": rename this " + rename);
  }

  /**
   * Where the Job {@code name} of {@code owner} stands.
   *
   * @param container the agent's container, whose termination message is the result
   * @param expected whether the status says this Job was created and has not finished: a missing
   *     Job is then one that was deleted ({@link Kind#DELETED}), not one to create. {@link #create}
   *     puts a new Job into the informer's cache, so a reconcile right after it sees the Job.
   */
  <P extends HasMetadata> Step step(
      Context<P> ctx, P owner, String name, String container, boolean expected);

  /**
   * Creates {@code job} for {@code owner}: CREATED (also when the Job there is this object's own),
   * WAIT (an earlier object's), TAKEN (another's, never taken as success), NAMESPACE_TERMINATING.
   * Any other error is thrown for JOSDK to retry.
   */
  <P extends HasMetadata> Creation create(Context<P> ctx, P owner, Job job);

  /** The Job and its pods, read as one observation. */
  JobObservation observe(Job job, String container);

  /**
   * Whether the pod of an unfinished Job has started, and what that means ({@link StartWatch};
   * null: it started or the Job finished).
   */
  StartWatch startWatch(Job job, java.time.Duration startDeadline, java.time.Instant now);

  /**
   * What the agent of the Job's newest pod has printed so far: the progress of each step, the BR
   * operations it saw start.
   */
  io.tidbbackup.api.AgentProtocol.Reported reported(Job job, String container);

  /** The last {@code lines} lines of the log of the Job's newest pod, or null. */
  String logTail(Job job, String container, int lines);

  /** Deletes a Job that has ended (its pod no longer runs): nothing to wait for. */
  void delete(Job job);

  /**
   * Foreground: the Job stays until its pods are gone, so a retry never overlaps the old tool
   * process.
   */
  void deleteForeground(Job job);

  /**
   * Creates an object a tool Job needs (the Secret with an inline SAS token) unless it is there.
   */
  void createOnce(HasMetadata object);

  /** This object's Job of that name, whatever its state, or null. */
  static <P extends HasMetadata> Job owned(Context<P> ctx, P owner, String name) {
    return ctx.getSecondaryResources(Job.class).stream()
        .filter(j -> name.equals(j.getMetadata().getName()))
        .filter(j -> belongsTo(j, owner))
        .findFirst()
        .orElse(null);
  }

  /**
   * Whether {@code job} is {@code owner}'s: its controller owner reference carries the owner's UID,
   * or (a Job with no owner reference: a clean Job) its {@link Names#BACKUP_UID_ANNOTATION} does.
   */
  static boolean belongsTo(Job job, HasMetadata owner) {
    return JobOwnership.belongsTo(job, owner);
  }
}
