package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BrOperation;
import io.tidbbackup.api.Serde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BR's "BR operation started" line read as TiDB Operator 1.6.6 reads it (its brlog parser's rules:
 * bracketed tokens, Go-quoted values, the line's own time), carried from the agent to the operator
 * by a line on stdout and by the termination message.
 */
class BrOperationLineTest {
  static final Instant NOW = Instant.parse("2026-06-17T12:00:00Z");

  @Test
  void aTruncateOperationWithItsTimeAndCommand() {
    BrOperation op =
        BrOperationLine.parse(
            "[2026/06/17 10:00:00.000 +00:00] [INFO] [context.go:122] [\"BR operation started\"]"
                + " [operation_id=op-a] [command=\"log truncate\"]",
            NOW);
    assertThat(op.operationID).isEqualTo("op-a");
    assertThat(op.command).isEqualTo("log truncate");
    assertThat(op.observedAt).isEqualTo("2026-06-17T10:00:00Z");
    assertThat(op.startedAt).isNull();
  }

  @Test
  void theStartTimeInAnyZoneAndABracketInsideQuotes() {
    BrOperation op =
        BrOperationLine.parse(
            "[2026/06/17 18:00:05.123 +08:00] [INFO] [context.go:122] [\"BR operation started\"]"
                + " [command=\"restore full [db]\"] [operation_started_at=2026-06-17T09:59:59.5Z]"
                + " [operation_id=\"op-\\\"b\\\"\"]",
            NOW);
    assertThat(op.operationID).isEqualTo("op-\"b\"");
    assertThat(op.command).isEqualTo("restore full [db]");
    assertThat(op.startedAt).isEqualTo("2026-06-17T09:59:59Z");
    assertThat(op.observedAt).isEqualTo("2026-06-17T10:00:05Z");
  }

  @Test
  void withoutATimeTheLineIsObservedNow() {
    BrOperation op = BrOperationLine.parse("[\"BR operation started\"] [operation_id=op-c]", NOW);
    assertThat(op.observedAt).isEqualTo("2026-06-17T12:00:00Z");
    assertThat(op.command).isNull();
  }

  @Test
  void otherLinesAreNoOperation() {
    assertThat(
            BrOperationLine.parse(
                "[2026/06/17 10:01:00.000 +00:00] [WARN] [stream_metas.go:1497] [\"Encountered lock\"]"
                    + " [remote_owner_id=remote-a] [remote_lock_type=log-truncate-exclusive]"
                    + " [remote_hint=operation_started_at=2026-06-17T09:00:00Z] [path=lock-a]",
                NOW))
        .as("a lock of another operation")
        .isNull();
    assertThat(BrOperationLine.parse("[\"BR operation started\"] [operation_id=]", NOW))
        .as("no id")
        .isNull();
    assertThat(BrOperationLine.parse("[\"something else\"] [operation_id=op-d]", NOW))
        .as("another message")
        .isNull();
    assertThat(BrOperationLine.parse("BR operation started operation_id=op-e", NOW))
        .as("not BR's bracketed format")
        .isNull();
  }

  @Test
  void theAgentPrintsEachOperationOnceAndReportsTheLastTenOldestFirst() {
    ToolOutput out = new ToolOutput();
    List<String> printed = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      out.accept(
          "[2026/06/17 10:00:%02d.000 +00:00] [INFO] [\"BR operation started\"] [operation_id=op-%d]"
              .formatted(i, i));
      BrOperation op = out.takeOperation();
      printed.add(AgentProtocol.operationLine(op));
      assertThat(out.takeOperation()).as("once").isNull();
      out.accept("[2026/06/17 10:00:00.000 +00:00] [INFO] [\"backup progress\"] [step=x]");
      assertThat(out.takeOperation()).isNull();
    }
    List<BrOperation> read = AgentProtocol.operations(String.join("\n", printed) + "\nnoise");
    assertThat(read)
        .extracting(o -> o.operationID)
        .hasSize(12)
        .startsWith("op-0")
        .endsWith("op-11");
    assertThat(out.brOperations())
        .extracting(o -> o.operationID)
        .containsExactly(
            "op-2", "op-3", "op-4", "op-5", "op-6", "op-7", "op-8", "op-9", "op-10", "op-11");
  }

  @Test
  void theTerminationMessageDropsTheOldestOperationsBeforeItOverflows() {
    AgentResult r = new AgentResult();
    r.success = false;
    r.error = "x".repeat(10);
    r.brOperations = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      BrOperation op = new BrOperation();
      op.operationID = "op-" + i + "-" + "i".repeat(400);
      op.command = "restore full";
      r.brOperations.add(op);
    }
    String json = TerminationMessage.encode(r);
    assertThat(json.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(AgentResult.MAX_BYTES);
    AgentResult back = Serde.fromJson(json, AgentResult.class);
    assertThat(back.brOperations).isNotEmpty();
    assertThat(back.brOperations.get(back.brOperations.size() - 1).operationID).startsWith("op-9-");
  }
}
