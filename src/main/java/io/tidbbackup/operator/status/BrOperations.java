package io.tidbbackup.operator.status;

import io.tidbbackup.api.BrOperation;
import io.tidbbackup.api.Serde;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pure: {@code status.brOperations} as TiDB Operator 1.6.6 keeps it (for a Backup's {@code log
 * truncate} and a BR Restore; br.pingcap.com has no such field): each operation observed goes
 * first, an entry of the same operationID is replaced, entries without an operationID are never
 * added, and only the newest ten are kept.
 */
public final class BrOperations {
  /** How many operations status keeps (TiDB Operator's maxBROperations). */
  public static final int MAX = 10;

  private BrOperations() {}

  /**
   * {@code existing} with {@code observed} applied in the order they were observed; {@code
   * existing} itself (the same list) when nothing changes.
   */
  public static List<BrOperation> merge(List<BrOperation> existing, List<BrOperation> observed) {
    if (observed == null || observed.isEmpty()) {
      return existing;
    }
    List<BrOperation> next = existing == null ? new ArrayList<>() : new ArrayList<>(existing);
    for (BrOperation o : observed) {
      if (o == null || o.operationID == null || o.operationID.isEmpty()) {
        continue;
      }
      next.removeIf(e -> Objects.equals(e.operationID, o.operationID));
      next.add(0, Serde.copy(o, BrOperation.class));
      while (next.size() > MAX) {
        next.remove(next.size() - 1);
      }
    }
    if (existing != null && Serde.json(existing).equals(Serde.json(next))) {
      return existing;
    }
    return next.isEmpty() ? existing : next;
  }
}
