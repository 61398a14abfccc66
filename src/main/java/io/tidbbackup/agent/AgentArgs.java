package io.tidbbackup.agent;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the arguments the operator puts into a Job's main container ({@code --namespace=… --backupName=…
 * --tikvVersion=… --mode=… [--subcommand=…] [--cluster-tls=true] [--client-tls=true] [--output-name=…]}).
 */
public final class AgentArgs {
  private static final Set<String> BACKUP_KEYS = Set.of("namespace", "backupName", "tikvVersion", "mode",
      "subcommand", "cluster-tls", "client-tls", "output-name");

  private static final Set<String> RESTORE_KEYS = Set.of("namespace", "restoreName", "tikvVersion", "mode", "abort",
      "cluster-tls", "client-tls");

  private AgentArgs() {}

  public static Map<String, String> parse(List<String> args, Set<String> known) {
    Map<String, String> out = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("unexpected argument \"" + a + "\": expected --name=value");
      }
      String key = a.substring(2, a.indexOf('='));
      if (!known.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key);
      }
      String value = a.substring(a.indexOf('=') + 1);
      if (value.isEmpty()) {
        throw new IllegalArgumentException("option --" + key + " has an empty value");
      }
      out.put(key, value);
    }
    return out;
  }

  public static BackupInvocation backup(List<String> args, BackupSpec spec) {
    Map<String, String> m = parse(args, BACKUP_KEYS);
    require(m, "namespace", "backupName", "tikvVersion");
    String mode = m.getOrDefault("mode", "snapshot");
    LogSubCommand log = null;
    if (mode.equals("log")) {
      log = LogSubCommand.fromValue(m.getOrDefault("subcommand", LogSubCommand.START.value()));
    } else if (!mode.equals("snapshot")) {
      throw new IllegalArgumentException("unsupported --mode=" + mode + " (snapshot or log)");
    }
    if (spec.br == null && !m.containsKey("output-name")) {
      throw new IllegalArgumentException("missing option --output-name for a Dumpling backup");
    }
    return new BackupInvocation(m.get("namespace"), m.get("backupName"), m.get("tikvVersion"), spec, log,
        Boolean.parseBoolean(m.get("cluster-tls")), Boolean.parseBoolean(m.get("client-tls")), m.get("output-name"));
  }

  /** {@code --namespace=… --restoreName=… --tikvVersion=… --mode=snapshot|pitr [--abort=true] [--cluster-tls=true] [--client-tls=true]}. */
  public static RestoreInvocation restore(List<String> args, RestoreSpec spec) {
    Map<String, String> m = parse(args, RESTORE_KEYS);
    require(m, "namespace", "restoreName", "tikvVersion");
    String mode = m.getOrDefault("mode", RestoreMode.SNAPSHOT.value());
    RestoreMode restoreMode = java.util.Arrays.stream(RestoreMode.values()).filter(r -> r.value().equals(mode))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("unsupported --mode=" + mode + " (snapshot or pitr)"));
    boolean abort = Boolean.parseBoolean(m.get("abort"));
    if (spec.br == null && (restoreMode == RestoreMode.PITR || abort)) {
      throw new IllegalArgumentException("--mode=pitr and --abort need a BR restore (spec.br)");
    }
    return new RestoreInvocation(m.get("namespace"), m.get("restoreName"), m.get("tikvVersion"), spec, restoreMode,
        abort, Boolean.parseBoolean(m.get("cluster-tls")), Boolean.parseBoolean(m.get("client-tls")));
  }

  private static void require(Map<String, String> m, String... keys) {
    for (String required : keys) {
      if (!m.containsKey(required)) {
        throw new IllegalArgumentException("missing option --" + required);
      }
    }
  }
}
