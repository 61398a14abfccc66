package io.tidbbackup.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A tool binary and its arguments, printable without secrets. */
public record ToolCommand(String binary, List<Arg> args) {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./$-]+");

  public ToolCommand {
    args = List.copyOf(args);
  }

  /** The same arguments for another binary path (tests run a fake tool); null keeps this one. */
  public ToolCommand withBinary(String path) {
    return path == null ? this : new ToolCommand(path, args);
  }

  /** Shell-like one-line form with secrets as {@code $ENV} references. */
  public String display() {
    StringBuilder sb = new StringBuilder(binary);
    for (Arg a : args) {
      sb.append(' ')
          .append(a.secretEnv() == null ? quote(a.display()) : quoteExpandable(a.display()));
    }
    return sb.toString();
  }

  /** argv for the process, with secrets expanded from {@code env}. */
  public List<String> argv(Map<String, String> env) {
    List<String> out = new ArrayList<>(args.size() + 1);
    out.add(binary);
    for (Arg a : args) {
      out.add(a.expand(env));
    }
    return out;
  }

  /** Every secret value this command will carry, for redaction of the tool's output. */
  public List<String> secretValues(Map<String, String> env) {
    List<String> out = new ArrayList<>();
    for (Arg a : args) {
      if (a.secretEnv() != null
          && env.get(a.secretEnv()) != null
          && !env.get(a.secretEnv()).isEmpty()) {
        out.add(env.get(a.secretEnv()));
      }
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
