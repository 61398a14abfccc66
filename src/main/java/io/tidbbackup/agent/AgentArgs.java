package io.tidbbackup.agent;

import static io.tidbbackup.api.AgentProtocol.*;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the arguments the operator puts into a Job's main container ({@code --namespace=…
 * --backupName=… --tikvVersion=… --mode=… [--subcommand=…] [--cluster-tls=true] [--client-tls=true]
 * [--output-name=…]}).
 */
public final class AgentArgs {
  private static final Set<String> BACKUP_KEYS =
      Set.of(
          NAMESPACE,
          BACKUP_NAME,
          TIKV_VERSION,
          TOOL_VERSION,
          MODE,
          SUBCOMMAND,
          CLUSTER_TLS,
          CLIENT_TLS,
          OUTPUT_NAME,
          PD);

  private static final Set<String> RESTORE_KEYS =
      Set.of(
          NAMESPACE,
          RESTORE_NAME,
          TIKV_VERSION,
          TOOL_VERSION,
          MODE,
          ABORT,
          CLUSTER_TLS,
          CLIENT_TLS,
          PD);

  private AgentArgs() {}

  public static Map<String, String> parse(List<String> args, Set<String> known) {
    Map<String, String> out = new HashMap<>();
    for (String a : args) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException(
            "unexpected argument \"" + a + "\": expected --name=value");
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
    require(m, NAMESPACE, BACKUP_NAME, TIKV_VERSION);
    String mode = m.getOrDefault(MODE, "snapshot");
    LogSubCommand log = null;
    if (mode.equals("log")) {
      log = LogSubCommand.fromValue(m.getOrDefault(SUBCOMMAND, LogSubCommand.START.value()));
    } else if (!mode.equals("snapshot")) {
      throw new IllegalArgumentException("unsupported --mode=" + mode + " (snapshot or log)");
    }
    if (spec.br == null && !m.containsKey(OUTPUT_NAME)) {
      throw new IllegalArgumentException("missing option --output-name for a Dumpling backup");
    }
    return new BackupInvocation(
        m.get(NAMESPACE),
        m.get(BACKUP_NAME),
        m.get(TIKV_VERSION),
        spec,
        log,
        Boolean.parseBoolean(m.get(CLUSTER_TLS)),
        Boolean.parseBoolean(m.get(CLIENT_TLS)),
        m.get(OUTPUT_NAME),
        m.get(PD),
        m.getOrDefault(TOOL_VERSION, m.get(TIKV_VERSION)));
  }

  /**
   * {@code --namespace=… --restoreName=… --tikvVersion=… --mode=snapshot|pitr [--abort=true]
   * [--cluster-tls=true] [--client-tls=true]}.
   */
  public static RestoreInvocation restore(List<String> args, RestoreSpec spec) {
    Map<String, String> m = parse(args, RESTORE_KEYS);
    require(m, NAMESPACE, RESTORE_NAME, TIKV_VERSION);
    String mode = m.getOrDefault(MODE, RestoreMode.SNAPSHOT.value());
    RestoreMode restoreMode =
        java.util.Arrays.stream(RestoreMode.values())
            .filter(r -> r.value().equals(mode))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unsupported --mode=" + mode + " (snapshot or pitr)"));
    boolean abort = Boolean.parseBoolean(m.get(ABORT));
    if (spec.br == null && (restoreMode == RestoreMode.PITR || abort)) {
      throw new IllegalArgumentException("--mode=pitr and --abort need a BR restore (spec.br)");
    }
    return new RestoreInvocation(
        m.get(NAMESPACE),
        m.get(RESTORE_NAME),
        m.get(TIKV_VERSION),
        spec,
        restoreMode,
        abort,
        Boolean.parseBoolean(m.get(CLUSTER_TLS)),
        Boolean.parseBoolean(m.get(CLIENT_TLS)),
        m.get(PD),
        m.getOrDefault(TOOL_VERSION, m.get(TIKV_VERSION)));
  }

  private static void require(Map<String, String> m, String... keys) {
    for (String required : keys) {
      if (!m.containsKey(required)) {
        throw new IllegalArgumentException("missing option --" + required);
      }
    }
  }
}
