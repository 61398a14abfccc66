package io.tidbbackup.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A TOML configuration file from which a tool reads its secrets instead of its command line (where
 * every process of the pod could read them in {@code /proc/<pid>/cmdline}). {@link ToolRunner}
 * writes it with mode 0600 in a 0700 directory for the run only and removes it after.
 *
 * @param flag the tool's flag that names the file, e.g. {@code --config=}
 * @param name the file's name
 * @param entries its settings, by section; a secret value as a reference to an env variable
 */
public record ToolConfigFile(String flag, String name, List<Entry> entries) {

  /** {@code [section] key = "value"}. */
  public record Entry(String section, String key, Arg value) {}

  public ToolConfigFile {
    entries = List.copyOf(entries);
  }

  /** The form shown to people: the settings it holds, secrets as {@code $ENV} references. */
  public String display() {
    return flag
        + "<"
        + name
        + ": "
        + entries.stream()
            .map(e -> e.section() + "." + e.key() + "=" + e.value().display())
            .collect(Collectors.joining(" "))
        + ">";
  }

  /** The file's text, secrets expanded from {@code env}. */
  public String render(Map<String, String> env) {
    Map<String, StringBuilder> sections = new LinkedHashMap<>();
    for (Entry e : entries) {
      sections
          .computeIfAbsent(e.section(), k -> new StringBuilder())
          .append(e.key())
          .append(" = ")
          .append(tomlString(e.value().expand(env)))
          .append('\n');
    }
    StringBuilder out = new StringBuilder();
    sections.forEach((section, body) -> out.append('[').append(section).append("]\n").append(body));
    return out.toString();
  }

  /**
   * A TOML basic string: JSON's escapes are TOML's ({@code \"}, {@code \\}, {@code \n}, {@code
   * \\uXXXX} for control characters), and TOML also forbids a raw DEL.
   */
  static String tomlString(String v) {
    return '"' + Redactor.jsonEscaped(v).replace("\u007f", "\\u007F") + '"';
  }
}
