package io.tidbbackup.tools;

import java.util.List;

/**
 * The command line of one release of one tool: its commands and flags, and a parser that reads a
 * line by the rules of the tool's flag library, refusing what the tool refuses.
 */
public final class ToolCli {
  private final Dialect dialect;
  private final CommandRules rules;

  ToolCli(Dialect dialect, CommandRules rules) {
    this.dialect = dialect;
    this.rules = rules;
  }

  public ToolVersion version() {
    return rules.version();
  }

  public String tool() {
    return rules.tool();
  }

  public boolean hasCommand(String path) {
    return rules.hasCommand(path);
  }

  /**
   * The flags a command reads: its own and the persistent flags of its ancestors (for tools without
   * subcommands, every flag).
   */
  public List<FlagDef> flagsOf(String path) {
    return rules.flagsOf(path);
  }

  /** Whether {@code command} reads {@code --flag} in this release. */
  public boolean accepts(String command, String flag) {
    return rules.accepts(command, flag);
  }

  /** Reads {@code argv} (without the binary) as the tool would. */
  public ParsedLine parse(List<String> argv) throws RefusedLine {
    return switch (dialect) {
      case COBRA -> CobraParser.parse(rules, argv);
      case GO_FLAG -> GoFlagParser.parse(rules, argv);
      case CLAP -> ClapParser.parse(rules, argv);
    };
  }
}
