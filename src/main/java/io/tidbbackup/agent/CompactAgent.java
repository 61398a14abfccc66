package io.tidbbackup.agent;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.CompactSpec;
import io.tidbbackup.api.JobEnv;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code agent compact}: runs {@code tikv-ctl compact-log-backup} for one CompactBackup (one shard
 * of it).
 */
public final class CompactAgent {
  private final AgentEnvironment env;
  private final PrintStream out;
  private final String binaryOverride;

  public CompactAgent(AgentEnvironment env, PrintStream out, String binaryOverride) {
    this.env = env;
    this.out = out;
    this.binaryOverride = binaryOverride;
  }

  /**
   * The command of this pod: its shard comes from JOB_COMPLETION_INDEX in a sharded (Indexed) Job.
   */
  public static ToolCommand command(CompactSpec spec, AgentEnvironment env, String toolVersion) {
    String index = env.get(JobEnv.JOB_COMPLETION_INDEX);
    return CompactCommand.build(
        spec, index == null || index.isEmpty() ? null : Integer.valueOf(index), toolVersion);
  }

  /**
   * @param toolVersion the release of the tikv-ctl the Job runs: how BR of that release encodes the
   *     storage ({@link StorageBackendProto})
   */
  public int run(CompactSpec spec, String toolVersion, Path terminationLog) throws Exception {
    ToolCommand cmd = command(spec, env, toolVersion);
    cmd = cmd.withBinary(binaryOverride);
    ToolOutput output = new ToolOutput();
    int code = output.exitCode(new ToolRunner(out).run(cmd, env, output));
    AgentResult result = new AgentResult();
    result.exitCode = code;
    result.success = code == 0;
    if (code != 0) {
      result.error = output.errorText();
    }
    return TerminationMessage.report(terminationLog, result, out);
  }
}
