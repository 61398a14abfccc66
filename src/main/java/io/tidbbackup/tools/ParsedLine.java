package io.tidbbackup.tools;

import java.util.List;
import java.util.Map;

/**
 * A command line as the tool read it: the (sub)command path, each flag's values by long name (in
 * order, a repeated flag's too) and the positional arguments left over.
 */
public record ParsedLine(
    String command, Map<String, List<String>> flags, List<String> positionals) {

  /** The last value of a flag, as a scalar flag keeps it, or null when it was not given. */
  public String last(String flag) {
    List<String> v = flags.get(flag);
    return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
  }

  public boolean has(String flag) {
    return flags.containsKey(flag);
  }
}
