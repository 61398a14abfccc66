package io.tidbbackup.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * spf13/cobra's command lookup and pflag's parsing (flag.go {@code parseArgs}, {@code
 * parseLongArg}, {@code parseSingleShortArg}), as BR and Dumpling run them: {@code --name=value},
 * {@code --name value} (not for a bool), {@code -s value}, {@code -svalue}, bundled bool
 * shorthands, {@code --} ending the flags, an unknown flag refused, required flags and {@code
 * NoArgs} checked after the parse. A command with subcommands and nothing to run only prints its
 * usage, and exits 0: that is refused here, since nothing would have been done.
 */
final class CobraParser {
  private CobraParser() {}

  static ParsedLine parse(CommandRules cli, List<String> argv) throws RefusedLine {
    if (!cli.hasCommand("")) {
      throw cli.refused("the model has no root command");
    }
    String path = "";
    int i = 0;
    while (i < argv.size() && !argv.get(i).startsWith("-")) {
      String next = path.isEmpty() ? argv.get(i) : path + " " + argv.get(i);
      if (!cli.hasCommand(next)) {
        break;
      }
      path = next;
      i++;
    }
    String shown = (cli.tool() + " " + path).trim();
    if (cli.hasChildren(path)) {
      if (i < argv.size() && !argv.get(i).startsWith("-")) {
        throw cli.refused("unknown command \"" + argv.get(i) + "\" for \"" + shown + "\"");
      }
      throw cli.refused(
          "\"" + shown + "\" needs a subcommand: it prints its usage and exits 0, doing nothing");
    }
    List<FlagDef> visible = cli.flagsOf(path);
    Map<String, List<String>> values = CommandRules.newValues();
    List<String> positionals = new ArrayList<>();
    while (i < argv.size()) {
      String s = argv.get(i++);
      if (s.length() < 2 || s.charAt(0) != '-') {
        positionals.add(s);
      } else if (s.equals("--")) {
        positionals.addAll(argv.subList(i, argv.size()));
        break;
      } else if (s.startsWith("--")) {
        i = longFlag(cli, visible, values, s, argv, i);
      } else {
        i = shortFlags(cli, visible, values, s, argv, i);
      }
    }
    cli.checkRequired(path, values);
    if (!positionals.isEmpty()
        && (cli.command(path).map(CommandDef::noArgs).orElse(false) || cli.hasChildren(path))) {
      throw cli.refused("unknown command \"" + positionals.get(0) + "\" for \"" + shown + "\"");
    }
    return new ParsedLine(path, values, positionals);
  }

  private static int longFlag(
      CommandRules cli,
      List<FlagDef> visible,
      Map<String, List<String>> values,
      String s,
      List<String> argv,
      int i)
      throws RefusedLine {
    String body = s.substring(2);
    if (body.isEmpty() || body.startsWith("-") || body.startsWith("=")) {
      throw cli.refused("bad flag syntax: " + s);
    }
    int eq = body.indexOf('=');
    String name = eq < 0 ? body : body.substring(0, eq);
    FlagDef f = CommandRules.find(visible, name, false);
    if (f == null) {
      throw cli.refused("unknown flag: --" + name);
    }
    String value;
    if (eq >= 0) {
      value = body.substring(eq + 1);
    } else if (f.type() == FlagType.BOOL) {
      value = "true";
    } else if (i < argv.size()) {
      value = argv.get(i++);
    } else {
      throw cli.refused("flag needs an argument: " + s);
    }
    cli.set(values, f, value, "--" + name);
    return i;
  }

  private static int shortFlags(
      CommandRules cli,
      List<FlagDef> visible,
      Map<String, List<String>> values,
      String s,
      List<String> argv,
      int i)
      throws RefusedLine {
    String shorthands = s.substring(1);
    while (!shorthands.isEmpty()) {
      String c = shorthands.substring(0, 1);
      FlagDef f = CommandRules.find(visible, c, true);
      if (f == null) {
        throw cli.refused("unknown shorthand flag: '" + c + "' in " + s);
      }
      String rest = shorthands.substring(1);
      String value;
      if (rest.startsWith("=")) {
        value = rest.substring(1);
        rest = "";
      } else if (f.type() == FlagType.BOOL) {
        value = "true";
      } else if (!rest.isEmpty()) {
        value = rest;
        rest = "";
      } else if (i < argv.size()) {
        value = argv.get(i++);
      } else {
        throw cli.refused("flag needs an argument: '" + c + "' in " + s);
      }
      cli.set(values, f, value, "-" + c);
      shorthands = rest;
    }
    return i;
  }
}
