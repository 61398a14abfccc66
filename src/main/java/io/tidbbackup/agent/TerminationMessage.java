package io.tidbbackup.agent;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Serde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the agent's result as JSON to the container's termination message file, within Kubernetes'
 * 4 KiB limit.
 */
public final class TerminationMessage {
  public static final String DEFAULT_PATH = "/dev/termination-log";

  private TerminationMessage() {}

  public static String encode(AgentResult result) {
    String json = Serde.json(result);
    while (json.getBytes(StandardCharsets.UTF_8).length > AgentResult.MAX_BYTES
        && result.error != null
        && result.error.length() > 16) {
      // keep the end of the error text: the last lines say what went wrong
      result.error = "…" + result.error.substring(result.error.length() / 4);
      json = Serde.json(result);
    }
    while (json.getBytes(StandardCharsets.UTF_8).length > AgentResult.MAX_BYTES
        && result.brOperations != null
        && !result.brOperations.isEmpty()) {
      // the newest operations are the ones status keeps
      result.brOperations =
          result.brOperations.size() == 1
              ? null
              : result.brOperations.subList(1, result.brOperations.size());
      json = Serde.json(result);
    }
    return json;
  }

  /**
   * Writes the result, says it on {@code out}, and returns the agent's exit code (0 only when the
   * tool succeeded).
   */
  public static int report(Path path, AgentResult result, java.io.PrintStream out)
      throws IOException {
    write(path, result);
    boolean ok = Boolean.TRUE.equals(result.success);
    out.println(
        "agent: "
            + (ok ? "succeeded" : "tool exited with code " + result.exitCode)
            + ": "
            + Serde.json(result));
    return ok ? 0 : 1;
  }

  public static void write(Path path, AgentResult result) throws IOException {
    Files.writeString(path, encode(result), StandardCharsets.UTF_8);
  }
}
