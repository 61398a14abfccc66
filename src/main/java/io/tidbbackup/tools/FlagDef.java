package io.tidbbackup.tools;

/**
 * One flag of a tool, as its own source defines it: the command it is defined on ({@code ""} for
 * the root), its long name without dashes, a one-letter shorthand or null, the type its parser
 * reads, whether subcommands inherit it, whether the tool refuses a line without it, the releases
 * it exists in ({@code since} inclusive, {@code until} exclusive, either null), how a timestamp
 * value is read, and the file the fact comes from.
 */
public record FlagDef(
    String command,
    String name,
    String shorthand,
    FlagType type,
    boolean persistent,
    boolean required,
    String since,
    String until,
    TimestampRule timestamp,
    String source) {

  public boolean existsIn(ToolVersion v) {
    return (since == null || v.atLeast(since)) && (until == null || !v.atLeast(until));
  }
}
