package io.tidbbackup.agent;

import io.tidbbackup.tools.ParsedLine;
import io.tidbbackup.tools.RefusedLine;
import io.tidbbackup.tools.ToolModel;
import io.tidbbackup.tools.ToolVersion;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a command line the agent built with the model of the tool and release it runs, as the
 * tool's own parser would: what {@code render} and the tests check every line with.
 */
public final class ToolLines {
  private ToolLines() {}

  /** The model of the tool a command runs, by its binary's name. */
  public static ToolModel model(ToolCommand cmd) {
    String binary = cmd.binary().substring(cmd.binary().lastIndexOf('/') + 1);
    return ToolModel.of(
        switch (binary) {
          case "br" -> ToolModel.BR;
          case "dumpling" -> ToolModel.DUMPLING;
          case "tidb-lightning" -> ToolModel.LIGHTNING;
          case "tikv-ctl" -> ToolModel.TIKV_CTL;
          default -> throw new IllegalArgumentException("no model of the tool " + cmd.binary());
        });
  }

  /**
   * The line as the tool of {@code version} reads it, with each secret replaced by a placeholder
   * (it is a value either way).
   */
  public static ParsedLine parse(ToolCommand cmd, String version) throws RefusedLine {
    Map<String, String> env = new HashMap<>();
    for (Arg a : cmd.args()) {
      if (a.secretEnv() != null) {
        env.put(a.secretEnv(), "secret");
      }
    }
    if (cmd.config() != null) {
      for (ToolConfigFile.Entry e : cmd.config().entries()) {
        if (e.value().secretEnv() != null) {
          env.put(e.value().secretEnv(), "secret");
        }
      }
    }
    List<String> argv = cmd.argv(env, cmd.config() == null ? null : Path.of(cmd.config().name()));
    return model(cmd).at(ToolVersion.of(version)).parse(argv.subList(1, argv.size()));
  }
}
