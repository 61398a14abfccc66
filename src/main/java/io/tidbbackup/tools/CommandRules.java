package io.tidbbackup.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the parsers read a line against: the commands and flags of one release of one tool, the
 * value checks of its flag library, and the tool's words for a refusal. {@link ToolCli} holds one
 * and hands it to the parser of the tool's dialect.
 */
final class CommandRules {
  private final String tool;
  private final ToolVersion version;
  private final List<CommandDef> commands;
  private final List<FlagDef> flags;

  CommandRules(String tool, ToolVersion version, List<CommandDef> commands, List<FlagDef> flags) {
    this.tool = tool;
    this.version = version;
    this.commands = commands;
    this.flags = flags;
  }

  public ToolVersion version() {
    return version;
  }

  public String tool() {
    return tool;
  }

  public boolean hasCommand(String path) {
    return command(path).isPresent();
  }

  Optional<CommandDef> command(String path) {
    return commands.stream().filter(c -> c.path().equals(path)).findFirst();
  }

  /** True when a command has subcommands, so that cobra only prints its help. */
  boolean hasChildren(String path) {
    String prefix = path.isEmpty() ? "" : path + " ";
    return commands.stream()
        .anyMatch(
            c -> !c.path().equals(path) && c.path().startsWith(prefix) && !c.path().isEmpty());
  }

  /**
   * The flags a command reads: its own and the persistent flags of its ancestors (for tools without
   * subcommands, every flag).
   */
  public List<FlagDef> flagsOf(String path) {
    return flags.stream()
        .filter(
            f ->
                f.command().equals(path)
                    || (f.persistent()
                        && (f.command().isEmpty() || path.startsWith(f.command() + " "))))
        .toList();
  }

  /** Whether {@code command} reads {@code --flag} in this release. */
  public boolean accepts(String command, String flag) {
    return hasCommand(command) && find(flagsOf(command), flag, false) != null;
  }

  static FlagDef find(List<FlagDef> visible, String name, boolean shorthand) {
    for (FlagDef f : visible) {
      if (shorthand ? name.equals(f.shorthand()) : name.equals(f.name())) {
        return f;
      }
    }
    return null;
  }

  RefusedLine refused(String message) {
    return new RefusedLine(tool, version, message);
  }

  /** Sets one value after the type and timestamp checks of the flag's parser. */
  void set(Map<String, List<String>> values, FlagDef f, String value, String as)
      throws RefusedLine {
    String bad = f.type().refusal(value);
    if (bad == null) {
      bad = f.timestamp().refusal(value);
    }
    if (bad != null) {
      throw refused("invalid argument \"" + value + "\" for \"" + as + "\" flag: " + bad);
    }
    List<String> list = values.computeIfAbsent(f.name(), k -> new ArrayList<>());
    if (f.type() == FlagType.STRING_SLICE) {
      list.addAll(List.of(value.split(",", -1)));
    } else {
      list.add(value);
    }
  }

  /** The tool's refusal of a line that lacks a required flag. */
  void checkRequired(String path, Map<String, List<String>> values) throws RefusedLine {
    List<String> missing = new ArrayList<>();
    for (FlagDef f : flagsOf(path)) {
      if (f.required() && !values.containsKey(f.name())) {
        missing.add("\"" + f.name() + "\"");
      }
    }
    if (!missing.isEmpty()) {
      throw refused("required flag(s) " + String.join(", ", missing) + " not set");
    }
  }

  static Map<String, List<String>> newValues() {
    return new LinkedHashMap<>();
  }
}
