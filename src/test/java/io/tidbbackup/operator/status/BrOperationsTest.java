package io.tidbbackup.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.BrOperation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code status.brOperations} kept as TiDB Operator 1.6.6's updater keeps it. */
class BrOperationsTest {
  static BrOperation op(String id, String command) {
    BrOperation o = new BrOperation();
    o.operationID = id;
    o.command = command;
    o.observedAt = "2026-06-17T10:00:00Z";
    return o;
  }

  static List<BrOperation> ops(int from, int to) {
    List<BrOperation> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(op("op-" + i, "backup"));
    }
    return out;
  }

  @Test
  void aNewOperationGoesFirst() {
    List<BrOperation> next = BrOperations.merge(ops(0, 2), List.of(op("op-new", "backup")));
    assertThat(next).extracting(o -> o.operationID).containsExactly("op-new", "op-0", "op-1");
  }

  @Test
  void anOperationSeenAgainIsRefreshedAndMovesFirst() {
    List<BrOperation> existing = List.of(op("op-a", "old-backup"), op("op-b", "backup"));
    List<BrOperation> next = BrOperations.merge(existing, List.of(op("op-b", "refreshed")));
    assertThat(next).extracting(o -> o.operationID).containsExactly("op-b", "op-a");
    assertThat(next.get(0).command).isEqualTo("refreshed");
  }

  @Test
  void onlyTheNewestTenAreKept() {
    List<BrOperation> next = BrOperations.merge(ops(0, 10), List.of(op("op-new", "backup")));
    assertThat(next).hasSize(BrOperations.MAX);
    assertThat(next.get(0).operationID).isEqualTo("op-new");
    assertThat(next.get(9).operationID).isEqualTo("op-8");
  }

  @Test
  void observationsApplyInTheirOrderAndWithoutAnIdAreIgnored() {
    List<BrOperation> next =
        BrOperations.merge(null, List.of(op("op-1", "a"), op("", "b"), op("op-2", "c")));
    assertThat(next).extracting(o -> o.operationID).containsExactly("op-2", "op-1");
    assertThat(BrOperations.merge(null, List.of(op(null, "x")))).isNull();
  }

  @Test
  void nothingNewKeepsTheSameList() {
    List<BrOperation> existing = List.of(op("op-a", "restore full"), op("op-b", "restore full"));
    assertThat(BrOperations.merge(existing, List.of(op("op-a", "restore full"))))
        .isSameAs(existing);
    assertThat(BrOperations.merge(existing, List.of())).isSameAs(existing);
  }
}
