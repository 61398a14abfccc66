package io.tidbbackup.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.ConditionTypes;
import java.util.List;

/**
 * A reconcile's error as state (pure): condition {@code ReconcileError=True} naming the error while
 * JOSDK retries with capped backoff (see OperatorFactory), {@code False} once a reconcile goes
 * through. The message is the same for the same error, so retries do not rewrite the status.
 */
public final class ReconcileErrors {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ReconcileErrors.class);

  private ReconcileErrors() {}

  /**
   * A reconcile of {@code resource} threw {@code e}: one log line naming the object every time; the
   * condition written (through the one status writer) and one Warning event when it is a new error.
   * JOSDK then retries with capped backoff (see OperatorFactory).
   *
   * @param withCondition the kind's pure status transition that upserts a condition
   */
  public static <
          S extends io.tidbbackup.api.HasPhase,
          P extends io.fabric8.kubernetes.client.CustomResource<?, S>>
      io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl<P> record(
          P resource,
          io.javaoperatorsdk.operator.api.reconciler.Context<P> ctx,
          Exception e,
          StatusWriter writer,
          EventRecorder events,
          java.util.function.BiFunction<S, BackupCondition, S> withCondition) {
    BackupCondition condition = condition(e);
    S st = resource.getStatus();
    String name =
        resource.getKind()
            + " "
            + resource.getMetadata().getNamespace()
            + "/"
            + resource.getMetadata().getName();
    LOG.warn("{}: reconcile failed, retrying: {}", name, condition.message);
    BackupCondition before =
        Conditions.find(st == null ? null : st.currentConditions(), condition.type);
    if (before == null
        || !condition.status.equals(before.status)
        || !condition.message.equals(before.message)) {
      try {
        writer.write(resource, ctx, withCondition.apply(st, condition));
        events.record(
            resource, EventType.WARNING, Reason.valueOf(condition.reason), condition.message);
      } catch (RuntimeException writeFailed) {
        LOG.warn("{}: cannot record the error in status: {}", name, writeFailed.getMessage());
      }
    }
    return io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl.noStatusUpdate();
  }

  static final int MAX_MESSAGE = 512;

  /** {@code ReconcileError=True} for {@code e}. */
  public static BackupCondition condition(Exception e) {
    return Conditions.of(
        ConditionTypes.RECONCILE_ERROR,
        ConditionTypes.TRUE,
        apiError(e) != null ? Reason.ApiError : Reason.InternalError,
        describe(e));
  }

  /** {@code ReconcileError=False}: a reconcile went through again. */
  public static BackupCondition recovered() {
    return Conditions.of(
        ConditionTypes.RECONCILE_ERROR,
        ConditionTypes.FALSE,
        Reason.Recovered,
        "the last reconcile went through");
  }

  /** Whether {@code conditions} hold an unrecovered error. */
  public static boolean pending(List<BackupCondition> conditions) {
    return Conditions.isTrue(conditions, ConditionTypes.RECONCILE_ERROR);
  }

  /**
   * The API error in {@code e}'s chain of causes (JOSDK wraps what a reconcile throws), or null.
   */
  static KubernetesClientException apiError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return k;
      }
    }
    return null;
  }

  /**
   * What went wrong, in one line: for an API error its HTTP code and the API server's message
   * (which names the verb, the resource and why: "jobs.batch is forbidden: exceeded quota …"), else
   * the exception's type and message.
   */
  public static String describe(Exception e) {
    KubernetesClientException k = apiError(e);
    String text;
    if (k != null) {
      String said =
          k.getStatus() != null && k.getStatus().getMessage() != null
              ? k.getStatus().getMessage()
              : k.getMessage();
      text =
          "the API server answered " + (k.getCode() > 0 ? "HTTP " + k.getCode() + ": " : "") + said;
    } else {
      text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    text = text.replace('\n', ' ');
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }
}
