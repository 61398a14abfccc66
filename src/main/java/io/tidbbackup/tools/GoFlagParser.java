package io.tidbbackup.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Go's standard {@code flag} package ({@code FlagSet.parseOne}), as TiDB Lightning reads its
 * command line: {@code -name} and {@code --name} alike, {@code -name=value}, {@code -name value}
 * for all but bools, parsing stops at the first argument that is not a flag, an undefined flag is
 * refused ("flag provided but not defined"). Lightning takes no positional arguments.
 */
final class GoFlagParser {
  private GoFlagParser() {}

  static ParsedLine parse(CommandRules cli, List<String> argv) throws RefusedLine {
    List<FlagDef> visible = cli.flagsOf("");
    Map<String, List<String>> values = CommandRules.newValues();
    int i = 0;
    while (i < argv.size()) {
      String s = argv.get(i);
      if (s.length() < 2 || s.charAt(0) != '-') {
        break;
      }
      i++;
      int minuses = s.charAt(1) == '-' ? 2 : 1;
      if (minuses == 2 && s.length() == 2) {
        break;
      }
      String name = s.substring(minuses);
      if (name.isEmpty() || name.charAt(0) == '-' || name.charAt(0) == '=') {
        throw cli.refused("bad flag syntax: " + s);
      }
      int eq = name.indexOf('=');
      String value = eq < 0 ? null : name.substring(eq + 1);
      name = eq < 0 ? name : name.substring(0, eq);
      FlagDef f = CommandRules.find(visible, name, false);
      if (f == null) {
        throw cli.refused("flag provided but not defined: -" + name);
      }
      if (value == null) {
        if (f.type() == FlagType.BOOL) {
          value = "true";
        } else if (i < argv.size()) {
          value = argv.get(i++);
        } else {
          throw cli.refused("flag needs an argument: -" + name);
        }
      }
      cli.set(values, f, value, "-" + name);
    }
    List<String> positionals = new ArrayList<>(argv.subList(i, argv.size()));
    if (!positionals.isEmpty()) {
      throw cli.refused("unexpected argument \"" + positionals.get(0) + "\"");
    }
    cli.checkRequired("", values);
    return new ParsedLine("", values, positionals);
  }
}
