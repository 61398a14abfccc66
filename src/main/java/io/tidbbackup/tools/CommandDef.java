package io.tidbbackup.tools;

/**
 * One (sub)command of a tool: its path ({@code "backup full"}, {@code "log truncate"}, {@code ""}
 * for the root), whether it accepts positional arguments (cobra's {@code NoArgs}), the releases it
 * exists in and the file the fact comes from.
 */
public record CommandDef(String path, boolean noArgs, String since, String until, String source) {

  public boolean existsIn(ToolVersion v) {
    return (since == null || v.atLeast(since)) && (until == null || !v.atLeast(until));
  }
}
