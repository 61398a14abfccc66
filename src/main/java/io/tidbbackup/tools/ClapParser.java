package io.tidbbackup.tools;

import java.util.List;
import java.util.Map;

/**
 * Rust clap (structopt) as tikv-ctl reads its line: the global options, then the subcommand, then
 * its options; {@code --long value}, {@code --long=value}, {@code -s value}, {@code -svalue};
 * presence flags take no value; an unknown argument or a missing required one is an error.
 */
final class ClapParser {
  private ClapParser() {}

  static ParsedLine parse(CommandRules cli, List<String> argv) throws RefusedLine {
    Map<String, List<String>> values = CommandRules.newValues();
    String path = "";
    int i = 0;
    while (i < argv.size()) {
      String s = argv.get(i++);
      if (!s.startsWith("-")) {
        if (!path.isEmpty() || !cli.hasCommand(s)) {
          throw cli.refused("Found argument '" + s + "' which wasn't expected");
        }
        path = s;
        continue;
      }
      // global options before the subcommand only, the subcommand's after it
      String at = path;
      List<FlagDef> visible = cli.flagsOf(at).stream().filter(f -> f.command().equals(at)).toList();
      boolean isLong = s.startsWith("--");
      String body = s.substring(isLong ? 2 : 1);
      int eq = isLong ? body.indexOf('=') : -1;
      String name = isLong ? (eq < 0 ? body : body.substring(0, eq)) : body.substring(0, 1);
      FlagDef f = CommandRules.find(visible, name, !isLong);
      if (f == null) {
        throw cli.refused("Found argument '" + s + "' which wasn't expected");
      }
      String value;
      if (f.type() == FlagType.BOOL) {
        if ((isLong && eq >= 0) || (!isLong && body.length() > 1)) {
          throw cli.refused("The argument '" + s + "' takes no value");
        }
        value = "true";
      } else if (isLong && eq >= 0) {
        value = body.substring(eq + 1);
      } else if (!isLong && body.length() > 1) {
        value = body.substring(body.charAt(1) == '=' ? 2 : 1);
      } else if (i < argv.size()) {
        value = argv.get(i++);
      } else {
        throw cli.refused("The argument '" + s + "' requires a value but none was supplied");
      }
      cli.set(values, f, value, s);
    }
    if (path.isEmpty()) {
      throw cli.refused("no subcommand");
    }
    cli.checkRequired(path, values);
    return new ParsedLine(path, values, List.of());
  }
}
