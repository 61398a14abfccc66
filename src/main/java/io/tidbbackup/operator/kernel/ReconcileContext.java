package io.tidbbackup.operator.kernel;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.tidbbackup.api.HasPhase;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.status.StatusBuffer;
import io.tidbbackup.operator.status.StatusWriter;
import java.time.Clock;
import java.time.Instant;

/**
 * One reconcile of one object, of any kind (the Flink operator's resource context is the model):
 * the object, JOSDK's context, one clock reading, the status as this reconcile has computed it so
 * far, and the object's events. Steps read and {@link #update} the status here; it is written once,
 * by {@link #flush}, at the end of the reconcile (or earlier where the next step needs the stored
 * object: before a finalizer is released, before an error is thrown).
 */
public class ReconcileContext<P extends CustomResource<?, S>, S extends HasPhase>
    implements StatusAndEvents<S> {
  private final Context<P> josdk;
  private final Instant now;
  private final StatusBuffer<S, P> status;
  private final EventRecorder events;

  public ReconcileContext(
      P resource, Context<P> josdk, StatusWriter writer, EventRecorder events, Clock clock) {
    this.status = new StatusBuffer<>(resource, josdk, writer);
    this.josdk = josdk;
    this.events = events;
    this.now = clock.instant();
  }

  /** The object as last written (its status is the one on the server, not {@link #status()}). */
  public P resource() {
    return status.resource();
  }

  public Context<P> josdk() {
    return josdk;
  }

  /** The reconcile's one clock reading. */
  @Override
  public Instant now() {
    return now;
  }

  /** The status as computed so far in this reconcile. */
  @Override
  public S status() {
    return status.status();
  }

  @Override
  public void update(S next) {
    status.update(next);
  }

  /**
   * Writes the status computed in this reconcile, if it differs from the server's (the one status
   * write); returns the stored object.
   */
  public P flush() {
    return status.flush();
  }

  /** An Event on the object (one per cause: a repeat raises its count). */
  @Override
  public void event(EventType type, Reason reason, String message) {
    events.record(status.resource(), type, reason, message);
  }

  /** "namespace/name", for log lines. */
  public String key() {
    return status.resource().getMetadata().getNamespace()
        + "/"
        + status.resource().getMetadata().getName();
  }
}
