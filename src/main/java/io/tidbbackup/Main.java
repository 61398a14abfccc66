package io.tidbbackup;

import io.tidbbackup.cli.AgentCommand;
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
    // before the first logger exists: LOG_FORMAT=json picks the JSON encoder (one object per line
    // on stderr)
    if ("json".equalsIgnoreCase(System.getenv("LOG_FORMAT"))
        && System.getProperty(LOGBACK_CONFIG) == null) {
      System.setProperty(LOGBACK_CONFIG, "logback-json.xml");
    }
    // an agent prints nothing, an SDK's exception or a stack trace included, that is not redacted
    if (args.length > 0 && args[0].equals("agent")) {
      io.tidbbackup.agent.RedactingOutput.install(System.getenv());
    }
    System.exit(run(args));
  }

  static final String LOGBACK_CONFIG = "logback.configurationFile";

  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
