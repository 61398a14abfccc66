package io.tidbbackup;

import io.tidbbackup.cli.AgentCommand;
import io.tidbbackup.cli.OperatorCommand;
import io.tidbbackup.cli.RenderCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the one jar: {@code operator}, {@code agent …}, {@code render}. */
@Command(name = "tidb-backup-operator", mixinStandardHelpOptions = true, version = "0.1.0",
    description = "Backs up and restores TiDB clusters on Kubernetes (pingcap.com/v1alpha1).",
    subcommands = {OperatorCommand.class, AgentCommand.class, RenderCommand.class})
public class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
