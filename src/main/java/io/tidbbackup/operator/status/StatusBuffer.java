package io.tidbbackup.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.tidbbackup.api.HasPhase;

/**
 * The status one reconcile computes, written once: flows read {@link #status()} and {@link #update}
 * it as they go; {@link #flush} hands the result to the {@link StatusWriter} at the end of the
 * reconcile (or earlier, where the next step needs the stored object: before a finalizer is
 * released, before an error is thrown).
 */
public final class StatusBuffer<S extends HasPhase, P extends CustomResource<?, S>> {
  private final StatusWriter writer;
  private final Context<P> ctx;
  private P current;
  private S pending;

  public StatusBuffer(P resource, Context<P> ctx, StatusWriter writer) {
    this.current = resource;
    this.ctx = ctx;
    this.writer = writer;
  }

  /** The object as last stored (its status is the server's, not {@link #status()}). */
  public P resource() {
    return current;
  }

  /** The status as computed so far in this reconcile. */
  public S status() {
    return pending != null ? pending : current.getStatus();
  }

  public void update(S next) {
    pending = next;
  }

  /** Writes the computed status, if it differs from the server's; returns the stored object. */
  public P flush() {
    if (pending != null) {
      current = writer.write(current, ctx, pending);
      pending = null;
    } else {
      writer.observed(current);
    }
    return current;
  }
}
