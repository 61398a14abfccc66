package io.tidbbackup.agent;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.storage.ObjectStore;
import io.tidbbackup.storage.ObjectStores;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.StoreOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
   * The snapshot TSO of a Dumpling export: the {@code Pos:} line of the {@code metadata} file it
   * wrote into its output directory (TiDB Operator reads the same, GetCommitTsFromMetadata); null,
   * said, when it cannot be read: the export itself is done.
   */
  String dumplingCommitTs(BackupInvocation inv) {
    StorageLocation outDir = DumplingCommand.output(inv);
    String key = (outDir.prefix().isEmpty() ? "" : outDir.prefix() + "/") + "metadata";
    try (ObjectStore store = ObjectStores.open(inv.spec(), new StoreOptions(env.env(), 4));
        java.io.InputStream in = store.open(key)) {
      String ts = commitTsOfMetadata(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
      if (ts == null) {
        out.println("agent: " + outDir.url() + "/metadata has no Pos: line; commitTs is unknown");
      }
      return ts;
    } catch (java.io.IOException | RuntimeException e) {
      out.println(
          "agent: cannot read "
              + outDir.url()
              + "/metadata ("
              + e.getMessage()
              + "); commitTs is unknown");
      return null;
    }
  }

  /** The TSO of the first {@code Pos:} line of Dumpling's metadata, or null. */
  static String commitTsOfMetadata(String metadata) {
    for (String line : metadata.split("\n")) {
      String t = line.trim();
      if (t.startsWith("Pos:")) {
        String v = t.substring(4).trim();
        return v.matches("\\d+") ? v : null;
      }
    }
    return null;
  }

  /**
   * Runs the tool; writes the result to {@code terminationLog}; returns the process exit code to
   * use.
   */
  public int run(BackupInvocation inv, Path terminationLog) throws Exception {
    ToolCommand cmd = command(inv, env.present());
    cmd = cmd.withBinary(binaryOverride);
    ToolOutput output = new ToolOutput();
    int code = output.exitCode(new ToolRunner(out).run(cmd, env, output));
    AgentResult result = new AgentResult();
    result.exitCode = code;
    result.success = code == 0;
    result.backupPath =
        inv.dumpling() ? DumplingCommand.output(inv).url() : StorageLocation.of(inv.spec()).url();
    if (code == 0) {
      LogSubCommand log = inv.logSubcommand();
      if (log == null && inv.dumpling()) {
        result.commitTs = dumplingCommitTs(inv);
      } else if (log == null) {
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
    result.brOperations = output.brOperations();
    return TerminationMessage.report(terminationLog, result, out);
  }
}
