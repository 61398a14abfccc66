package io.tidbbackup;

import io.tidbbackup.cli.AgentCommand;
import io.tidbbackup.cli.AgentWarmUp;
import io.tidbbackup.cli.OperatorCommand;
import io.tidbbackup.cli.RenderCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the one jar: {@code operator}, {@code agent …}, {@code render}. */
@Command(
    name = "tidb-backup-operator",
    mixinStandardHelpOptions = true,
    version = "0.1.0",
    description = "Backs up and restores TiDB clusters on Kubernetes (pingcap.com/v1alpha1).",
    subcommands = {
      OperatorCommand.class,
      AgentCommand.class,
      RenderCommand.class,
      io.tidbbackup.cli.plugin.PluginCommand.class
    })
public class Main {

  public static void main(String[] args) {
    // an agent prints nothing, an SDK's exception or a stack trace included, that is not redacted
    if (args.length > 0 && args[0].equals("agent")) {
      io.tidbbackup.agent.RedactingOutput.install(System.getenv());
    }
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    // hidden: the image build's class-data sharing training run (the Dockerfile)
    cli.getSubcommands().get("agent").addSubcommand("warm-up", new AgentWarmUp());
    return cli.execute(args);
  }
}
