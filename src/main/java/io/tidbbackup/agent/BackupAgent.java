package io.tidbbackup.agent;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.storage.StorageLocation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code agent backup}: runs BR or Dumpling for one Backup and reports the result. */
public final class BackupAgent {
  private final AgentEnvironment env;
  private final PrintStream out;
  private final String binaryOverride;

  public BackupAgent(AgentEnvironment env, PrintStream out) {
    this(env, out, null);
  }

  /**
   * @param binaryOverride path of the tool to run instead of the one copied into the pod (tests)
   */
  public BackupAgent(AgentEnvironment env, PrintStream out, String binaryOverride) {
    this.env = env;
    this.out = out;
    this.binaryOverride = binaryOverride;
  }

  /** The command a Job with these arguments runs (also used by {@code render --command}). */
  public static ToolCommand command(BackupInvocation inv, Set<String> presentEnv) {
    return inv.dumpling()
        ? DumplingCommand.build(inv, presentEnv)
        : BrBackupCommand.build(inv, presentEnv);
  }

  /** Reads the spec from {@code TIDB_BACKUP_SPEC}. */
  public static BackupSpec specFromEnv(AgentEnvironment env) {
    return env.spec(BackupSpec.class);
  }

  /**
   * Runs the tool; writes the result to {@code terminationLog}; returns the process exit code to
   * use.
   */
  public int run(BackupInvocation inv, Path terminationLog) throws Exception {
    ToolCommand cmd = command(inv, env.present());
    cmd = cmd.withBinary(binaryOverride);
    ToolOutput output = new ToolOutput();
    int code = new ToolRunner(out).run(cmd, env, output);
    AgentResult result = new AgentResult();
    result.exitCode = code;
    result.success = code == 0;
    result.backupPath =
        inv.dumpling() ? DumplingCommand.output(inv).url() : StorageLocation.of(inv.spec()).url();
    if (code == 0) {
      LogSubCommand log = inv.logSubcommand();
      if (log == null) {
        result.commitTs = output.backupTs();
        result.backupSize = output.size();
      } else if (log == LogSubCommand.START) {
        result.commitTs = output.startTs() != null ? output.startTs() : inv.spec().commitTs;
      } else if (log == LogSubCommand.TRUNCATE) {
        result.logTruncateUntil = inv.spec().logTruncateUntil;
      }
    } else {
      result.error = output.errorText();
    }
    result.progresses = output.progresses();
    return TerminationMessage.report(terminationLog, result, out);
  }
}
