package io.tidbbackup.tools;

/** What the tool would print refusing a command line, with the release that refuses it. */
public final class RefusedLine extends Exception {
  public RefusedLine(String tool, ToolVersion version, String message) {
    super(tool + " " + version + " refuses it: " + message);
  }
}
