package io.tidbbackup.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A tool binary, its arguments and, for a tool that can read its secrets from a file, that file
 * (null when none): printable without secrets.
 */
public record ToolCommand(String binary, List<Arg> args, ToolConfigFile config) {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./$-]+");

  public ToolCommand {
    args = List.copyOf(args);
  }

  public ToolCommand(String binary, List<Arg> args) {
    this(binary, args, null);
  }

  /** The same arguments for another binary path (tests run a fake tool); null keeps this one. */
  public ToolCommand withBinary(String path) {
    return path == null ? this : new ToolCommand(path, args, config);
  }

  /** Shell-like one-line form with secrets as {@code $ENV} references. */
  public String display() {
    StringBuilder sb = new StringBuilder(binary);
    if (config != null) {
      sb.append(' ').append(quote(config.display()));
    }
    for (Arg a : args) {
      sb.append(' ')
          .append(a.secretEnv() == null ? quote(a.display()) : quoteExpandable(a.display()));
    }
    return sb.toString();
  }

  /** argv for a process without a config file, with secrets expanded from {@code env}. */
  public List<String> argv(Map<String, String> env) {
    if (config != null) {
      throw new IllegalStateException(binary + " reads " + config.name() + ": give its path");
    }
    return argv(env, null);
  }

  /**
   * argv for the process, with secrets expanded from {@code env} and the config file (if any) named
   * first, at {@code configPath}.
   */
  public List<String> argv(Map<String, String> env, java.nio.file.Path configPath) {
    List<String> out = new ArrayList<>(args.size() + 2);
    out.add(binary);
    if (config != null) {
      out.add(config.flag() + configPath);
    }
    for (Arg a : args) {
      out.add(a.expand(env));
    }
    return out;
  }

  /** Double quotes, so that a shell still expands the {@code $ENV} reference. */
  static String quoteExpandable(String s) {
    if (SAFE.matcher(s).matches()) {
      return s;
    }
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("`", "\\`") + '"';
  }

  static String quote(String s) {
    if (!s.isEmpty() && SAFE.matcher(s).matches()) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
