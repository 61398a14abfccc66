package io.tidbbackup.operator.kernel;

import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import java.time.Instant;

/**
 * What a step needs to say something of an object: its status as computed in this reconcile, the
 * reconcile's one clock reading, and its events ({@link ReconcileContext} is one; the clean flow's
 * port is another).
 */
public interface StatusAndEvents<S> {
  S status();

  void update(S next);

  Instant now();

  void event(EventType type, Reason reason, String message);
}
