package io.tidbbackup.cli;

import io.tidbbackup.agent.AgentArgs;
import io.tidbbackup.agent.AgentEnvironment;
import io.tidbbackup.agent.BackupAgent;
import io.tidbbackup.agent.BackupInvocation;
import io.tidbbackup.agent.TerminationMessage;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.JobEnv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code agent …}: what runs inside the Jobs the operator creates. */
@Command(name = "agent", description = "Run inside a Job: backup (BR or Dumpling).",
    subcommands = {AgentCommand.Backup.class})
public class AgentCommand {

  @Command(name = "backup", description = "Run BR or Dumpling for the Backup described by the Job.")
  static class Backup implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      AgentEnvironment env = new AgentEnvironment(System.getenv(), Path.of(JobEnv.SCRATCH_DIR));
      Path termination = terminationLog();
      BackupInvocation inv;
      try {
        inv = AgentArgs.backup(args, BackupAgent.specFromEnv(env));
      } catch (IllegalArgumentException e) {
        AgentResult r = new AgentResult();
        r.success = false;
        r.error = "agent: " + e.getMessage();
        System.err.println(r.error);
        TerminationMessage.write(termination, r);
        return 2;
      }
      return new BackupAgent(env, System.out).run(inv, termination);
    }
  }

  static Path terminationLog() {
    String p = System.getenv(JobEnv.TERMINATION_LOG);
    return Path.of(p == null || p.isEmpty() ? TerminationMessage.DEFAULT_PATH : p);
  }
}
