package io.tidbbackup.agent;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.storage.ObjectStore;
import io.tidbbackup.storage.ObjectStores;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.StoreOptions;
import java.io.IOException;
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
  private final Path dataDir;

  /**
   * @param binaryOverride path of the tool to run instead of the one copied into the pod (tests),
   *     or null
   */
  public RestoreAgent(AgentEnvironment env, PrintStream out, String binaryOverride) {
    this(env, out, binaryOverride, null);
  }

  /**
   * @param dataDir where an export archive is unpacked instead of {@link JobEnv#RESTORE_DATA_DIR}
   *     (tests)
   */
  public RestoreAgent(AgentEnvironment env, PrintStream out, String binaryOverride, Path dataDir) {
    this.env = env;
    this.out = out;
    this.binaryOverride = binaryOverride;
    this.dataDir = dataDir;
  }

  /** The command a Job with these arguments runs (also used by {@code render --command}). */
  public static ToolCommand command(RestoreInvocation inv, Set<String> presentEnv) {
    return inv.lightning()
        ? LightningCommand.build(inv, presentEnv)
        : BrRestoreCommand.build(inv, presentEnv);
  }

  /** Downloads and unpacks the export archive into the Job's volume; the failure, said, or null. */
  private String unpack(RestoreSpec spec, StorageLocation source) {
    Path root = dataDir != null ? dataDir : Path.of(JobEnv.RESTORE_DATA_DIR);
    out.println("agent: downloading " + source.url() + " and unpacking it into " + root);
    RestoreSpec at = Serde.copy(spec, RestoreSpec.class);
    // the archive's own bucket (a path names it), with the provider's settings and credentials
    switch (at.storageType()) {
      case S3 -> at.s3.bucket = source.bucket();
      case GCS -> at.gcs.bucket = source.bucket();
      case AZBLOB -> at.azblob.container = source.bucket();
      case LOCAL -> {}
    }
    try (ObjectStore store = ObjectStores.open(at, new StoreOptions(env.env(), 4))) {
      TarExtractor.Summary s = ExportArchive.fetch(store, source, root);
      out.println(
          "agent: unpacked "
              + s.files()
              + " files ("
              + s.bytes()
              + " bytes) into "
              + root.resolve(ExportArchive.baseName(source)));
      return null;
    } catch (IOException | RuntimeException e) {
      String m = "cannot unpack the Dumpling export " + source.url() + ": " + e.getMessage();
      out.println("agent: " + m);
      return m;
    }
  }

  /**
   * Runs the tool; writes the result to {@code terminationLog}; returns the process exit code to
   * use.
   */
  public int run(RestoreInvocation inv, Path terminationLog) throws Exception {
    ToolCommand cmd = command(inv, env.present());
    cmd = cmd.withBinary(binaryOverride);
    if (inv.lightning() && inv.spec().lightningFromArchive()) {
      String failure = unpack(inv.spec(), LightningCommand.source(inv.spec()));
      if (failure != null) {
        AgentResult result = new AgentResult();
        result.exitCode = 1;
        result.success = false;
        result.error = failure;
        return TerminationMessage.report(terminationLog, result, out);
      }
    }
    ToolOutput output = new ToolOutput();
    int code = output.exitCode(new ToolRunner(out).run(cmd, env, output));
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
    result.brOperations = output.brOperations();
    return TerminationMessage.report(terminationLog, result, out);
  }
}
