package io.tidbbackup.cli;

import io.tidbbackup.agent.AgentArgs;
import io.tidbbackup.agent.AgentEnvironment;
import io.tidbbackup.agent.BackupAgent;
import io.tidbbackup.agent.BackupInvocation;
import io.tidbbackup.agent.CleanAgent;
import io.tidbbackup.agent.RestoreAgent;
import io.tidbbackup.agent.RestoreInvocation;
import io.tidbbackup.agent.TerminationMessage;
import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.CleanSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code agent …}: what runs inside the Jobs the operator creates. */
@Command(
    name = "agent",
    description =
        "What runs inside the operator's Jobs: backup (BR or Dumpling), restore (BR or "
            + "TiDB Lightning), clean.",
    subcommands = {
      AgentCommand.Backup.class,
      AgentCommand.Restore.class,
      AgentCommand.Compact.class,
      AgentCommand.Clean.class
    })
public class AgentCommand {

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description = "Run BR or Dumpling for the Backup described by the Job.")
  static class Backup implements Callable<Integer> {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      Path termination = terminationLog();
      AgentEnvironment env;
      BackupInvocation inv;
      try {
        env = AgentEnvironment.ofJob(System.getenv(), Path.of(JobEnv.SCRATCH_DIR));
        inv = AgentArgs.backup(args, BackupAgent.specFromEnv(env));
      } catch (IllegalArgumentException e) {
        return refuse(termination, e);
      }
      return new BackupAgent(env, System.out).run(inv, termination);
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description =
          "Run BR (restore, or abort restore) or "
              + "TiDB Lightning for the Restore described by the Job.")
  static class Restore implements Callable<Integer> {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      Path termination = terminationLog();
      AgentEnvironment env;
      RestoreInvocation inv;
      try {
        env = AgentEnvironment.ofJob(System.getenv(), Path.of(JobEnv.SCRATCH_DIR));
        inv = AgentArgs.restore(args, env.spec(RestoreSpec.class));
      } catch (IllegalArgumentException e) {
        return refuse(termination, e);
      }
      return new RestoreAgent(env, System.out, null).run(inv, termination);
    }
  }

  @Command(
      name = "compact",
      mixinStandardHelpOptions = true,
      description =
          "Run tikv-ctl compact-log-backup for the "
              + "CompactBackup described by the Job (one shard of it in a sharded compaction).")
  static class Compact implements Callable<Integer> {
    @Option(names = "--" + AgentProtocol.NAMESPACE)
    String namespace;

    @Option(names = "--" + AgentProtocol.COMPACT_NAME)
    String compactName;

    @Option(names = "--" + AgentProtocol.TIKV_VERSION)
    String tikvVersion;

    @Option(names = "--" + AgentProtocol.TOOL_VERSION)
    String toolVersion;

    @Override
    public Integer call() throws Exception {
      AgentEnvironment env = new AgentEnvironment(System.getenv(), Path.of(JobEnv.SCRATCH_DIR));
      Path termination = terminationLog();
      io.tidbbackup.api.CompactSpec spec;
      try {
        spec = env.spec(io.tidbbackup.api.CompactSpec.class);
      } catch (IllegalArgumentException e) {
        return refuse(termination, e);
      }
      return new io.tidbbackup.agent.CompactAgent(env, System.out, null)
          .run(spec, toolVersion != null ? toolVersion : tikvVersion, termination);
    }
  }

  /**
   * Arguments the agent cannot work with: said on stderr and in the termination message; exit 2.
   */
  static int refuse(Path termination, IllegalArgumentException e) throws java.io.IOException {
    AgentResult r = new AgentResult();
    r.success = false;
    r.error = "agent: " + e.getMessage();
    r.exitCode = AgentProtocol.REFUSED;
    System.err.println(r.error);
    TerminationMessage.write(termination, r);
    return AgentProtocol.REFUSED;
  }

  @Command(
      name = "clean",
      mixinStandardHelpOptions = true,
      description =
          "Delete a backup's data: everything under status.backupPath, which must lie "
              + "in the spec's storage. Exits 0 only when the prefix is verified empty. Credentials come from the same env "
              + "vars the Job sets (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS, "
              + "AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_KEY, AZURE_SAS_TOKEN or AZURE_CLIENT_ID/SECRET/TENANT_ID).")
  static class Clean implements Callable<Integer> {
    @Option(
        names = {"-f", "--file"},
        description = "a Backup manifest (YAML or JSON) with status.backupPath")
    Path file;

    @Option(names = "--dry-run", description = "list what would be deleted, delete nothing")
    boolean dryRun;

    @Option(
        names = "--" + AgentProtocol.NAMESPACE,
        description = "in a Job: the Backup's namespace")
    String namespace;

    @Option(names = "--" + AgentProtocol.BACKUP_NAME, description = "in a Job: the Backup's name")
    String backupName;

    @Option(
        names = "--" + AgentProtocol.BACKUP_PATH,
        description = "in a Job: the Backup's status.backupPath")
    String backupPath;

    @Override
    public Integer call() throws Exception {
      boolean inJob = file == null;
      try {
        Target t =
            inJob
                ? new Target(
                    new AgentEnvironment(System.getenv(), Path.of(JobEnv.SCRATCH_DIR)).cleanSpec(),
                    backupPath)
                : readBackup(file);
        if (!inJob && (t.backupPath() == null || t.backupPath().isEmpty())) {
          throw new IllegalArgumentException(
              file + ": status.backupPath is empty: the backup wrote no data to clean");
        }
        CleanReport r =
            new CleanAgent(System.getenv(), System.out, System.err)
                .clean(t.spec(), t.backupPath(), dryRun);
        AgentResult result = AgentProtocol.cleanResult(r);
        writeTermination(inJob, result);
        return result.exitCode;
      } catch (IllegalArgumentException e) {
        // includes UnsafePrefixException: nothing was deleted
        System.err.println("agent clean: " + e.getMessage());
        writeTermination(inJob, AgentProtocol.refusal(e.getMessage()));
        return AgentProtocol.REFUSED;
      }
    }

    /** What a clean works on: the spec's storage and cleanOption, and status.backupPath. */
    record Target(CleanSpec spec, String backupPath) {}

    /**
     * The clean's part of the Backup in {@code file} ({@link CleanSpec}: the rest of the spec is
     * not read), or a refusal that names what is wrong: a manifest that does not parse (with its
     * line), an empty file, another kind, a field of the wrong type (by its path), no spec, not
     * exactly one storage provider. Never a stack trace.
     */
    static Target readBackup(Path file) {
      com.fasterxml.jackson.databind.JsonNode doc;
      try {
        doc = Serde.YAML.readTree(file.toFile());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        var loc = e.getLocation();
        throw new IllegalArgumentException(
            file
                + (loc == null ? "" : ": line " + loc.getLineNr())
                + ": not a YAML or JSON manifest: "
                + e.getOriginalMessage());
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(file + ": cannot read it: " + e.getMessage());
      }
      if (doc == null || doc.isMissingNode() || doc.isNull() || !doc.isObject()) {
        throw new IllegalArgumentException(file + ": empty, or not one object: expected a Backup");
      }
      String kind = doc.path("kind").asText("");
      String apiVersion = doc.path("apiVersion").asText("");
      // either group's Backup: the spec the cleaner reads is the same
      if (!kind.equals("Backup")
          || !(apiVersion.equals(io.tidbbackup.api.ApiConstants.API_VERSION)
              || apiVersion.equals(io.tidbbackup.api.v2.V2.API_VERSION))) {
        throw new IllegalArgumentException(
            file
                + ": kind \""
                + kind
                + "\" apiVersion \""
                + apiVersion
                + "\": only a Backup ("
                + io.tidbbackup.api.ApiConstants.API_VERSION
                + " or "
                + io.tidbbackup.api.v2.V2.API_VERSION
                + ") can be cleaned");
      }
      CleanSpec spec = CleanSpec.of(doc.get("spec"), file.toString());
      com.fasterxml.jackson.databind.JsonNode path = doc.path("status").path("backupPath");
      if (!path.isMissingNode() && !path.isNull() && !path.isTextual()) {
        throw new IllegalArgumentException(file + ": status.backupPath: expected a string");
      }
      return new Target(spec, path.isTextual() ? path.asText() : null);
    }

    static void writeTermination(boolean inJob, AgentResult result) {
      if (!inJob && System.getenv(JobEnv.TERMINATION_LOG) == null) {
        return;
      }
      try {
        TerminationMessage.write(terminationLog(), result);
      } catch (java.io.IOException e) {
        System.err.println("agent: cannot write the termination message: " + e.getMessage());
      }
    }
  }

  static Path terminationLog() {
    String p = System.getenv(JobEnv.TERMINATION_LOG);
    return Path.of(p == null || p.isEmpty() ? TerminationMessage.DEFAULT_PATH : p);
  }
}
