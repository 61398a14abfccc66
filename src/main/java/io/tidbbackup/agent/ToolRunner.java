package io.tidbbackup.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool binary, streams its (redacted) output to our stdout line by line, and passes each
 * line to a {@link ToolOutput}. On SIGTERM (pod deletion) the child gets SIGTERM too and is waited
 * for, then killed.
 */
public final class ToolRunner {
  static final long CHILD_GRACE_SECONDS = 20;

  private final PrintStream out;

  public ToolRunner(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs {@code cmd} in the agent's environment with every credential redacted from what it prints.
   */
  public int run(ToolCommand cmd, AgentEnvironment env, ToolOutput output)
      throws IOException, InterruptedException {
    return run(
        cmd, env.env(), env.toolEnv(), new Redactor(env.secretValues()), output, env.scratch());
  }

  /** Runs {@code cmd} and returns its exit code. */
  public int run(
      ToolCommand cmd,
      Map<String, String> env,
      Map<String, String> extraEnv,
      Redactor redactor,
      ToolOutput output,
      Path scratch)
      throws IOException, InterruptedException {
    Path configDir = null;
    try {
      Path configFile = null;
      if (cmd.config() != null) {
        configDir =
            Files.createTempDirectory(
                scratch,
                "tool-config-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        configFile =
            Files.createFile(
                configDir.resolve(cmd.config().name()),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(configFile, cmd.config().render(env));
      }
      return run(cmd.argv(env, configFile), cmd, extraEnv, redactor, output);
    } finally {
      if (configDir != null) {
        try (var files = Files.list(configDir)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
        Files.deleteIfExists(configDir);
      }
    }
  }

  private int run(
      List<String> argv,
      ToolCommand cmd,
      Map<String, String> extraEnv,
      Redactor redactor,
      ToolOutput output)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(extraEnv);
    out.println("agent: running " + redactor.redact(cmd.display()));
    Process p = pb.start();
    Thread hook = new Thread(() -> stop(p), "stop-tool");
    Runtime.getRuntime().addShutdownHook(hook);
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String safe = redactor.redact(line);
        out.println(safe);
        output.accept(safe);
        var progress = output.takeProgress();
        if (progress != null) {
          out.println(progress.line());
        }
        var operation = output.takeOperation();
        if (operation != null) {
          out.println(io.tidbbackup.api.AgentProtocol.operationLine(operation));
        }
      }
      return p.waitFor();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it stops the child
      }
    }
  }

  static void stop(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(CHILD_GRACE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
