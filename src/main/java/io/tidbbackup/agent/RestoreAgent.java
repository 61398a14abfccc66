package io.tidbbackup.agent;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.RestoreMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code agent restore}: runs BR (restore, or abort restore to prune) or TiDB Lightning for one
 * Restore.
 */
public final class RestoreAgent {
  private final AgentEnvironment env;
  private final PrintStream out;
  private final String binaryOverride;

  /**
   * @param binaryOverride path of the tool to run instead of the one copied into the pod (tests),
   *     or null
   */
  public RestoreAgent(AgentEnvironment env, PrintStream out, String binaryOverride) {
    this.env = env;
    this.out = out;
    this.binaryOverride = binaryOverride;
  }

  /** The command a Job with these arguments runs (also used by {@code render --command}). */
  public static ToolCommand command(RestoreInvocation inv, Set<String> presentEnv) {
    return inv.lightning()
        ? LightningCommand.build(inv, presentEnv)
        : BrRestoreCommand.build(inv, presentEnv);
  }

  /**
   * Runs the tool; writes the result to {@code terminationLog}; returns the process exit code to
   * use.
   */
  public int run(RestoreInvocation inv, Path terminationLog) throws Exception {
    ToolCommand cmd = command(inv, env.present());
    cmd = cmd.withBinary(binaryOverride);
    ToolOutput output = new ToolOutput();
    int code = new ToolRunner(out).run(cmd, env, output);
    AgentResult result = new AgentResult();
    result.exitCode = code;
    result.success = code == 0;
    if (code == 0 && !inv.abort()) {
      // as TiDB Operator: a snapshot restore reports the backup's TS; PiTR the point BR restored to
      // (what it
      // printed, else what the spec asked for)
      if (inv.mode() == RestoreMode.PITR) {
        String asked = inv.spec().pitrRestoredTs;
        result.commitTs =
            output.restoreTs() != null
                ? output.restoreTs()
                : asked != null && !asked.isEmpty() ? asked : null;
      } else {
        result.commitTs = output.backupTs();
      }
    } else if (code != 0) {
      result.error = output.errorText();
    }
    result.progresses = output.progresses();
    return TerminationMessage.report(terminationLog, result, out);
  }
}
