package io.tidbbackup.agent;

import io.tidbbackup.api.BRConfig;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.BackupType;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.storage.StorageLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@code br backup …} and {@code br log …} command lines, in TiDB Operator v1's order:
 * subcommand, {@code --pd}, TLS, global flags, storage, encryption, filters, performance flags,
 * {@code br.options}; unlike TiDB Operator, each line carries only flags its BR subcommand defines
 * (tools/br.tsv), and every timestamp is a TSO.
 */
public final class BrBackupCommand {
  public static final String BINARY = JobEnv.BR_BIN_DIR + "/br";

  private BrBackupCommand() {}

  public static ToolCommand build(BackupInvocation inv, Set<String> presentEnv) {
    BackupSpec spec = inv.spec();
    BRConfig br = spec.br;
    List<Arg> args = new ArrayList<>();
    LogSubCommand log = inv.logSubcommand();
    if (log == null) {
      args.add(Arg.of("backup"));
      args.add(Arg.of(subcommand(spec.tableFilter, spec.backupType)));
      addTs(args, "--backupts=", spec.commitTs);
    } else {
      args.add(Arg.of("log"));
      args.add(Arg.of(log.brVerb()));
      switch (log) {
        case START -> {
          args.add(Arg.of("--task-name=" + inv.name()));
          // as TiDB Operator v1.6 (cmd/backup-manager/app/backup/backup.go, doStartLogBackup):
          // commitTs "0" means "now", so no --start-ts
          if (!"0".equals(spec.commitTs)) {
            addTs(args, "--start-ts=", spec.commitTs);
          }
        }
        // --yes: a Job has no terminal to answer BR's "Continue?" (asked when the log was already
        // truncated past --until); without it BR reads EOF, does nothing and exits 0
        case TRUNCATE -> {
          addTs(args, "--until=", spec.logTruncateUntil);
          args.add(Arg.of("--yes"));
        }
        default -> args.add(Arg.of("--task-name=" + inv.name()));
      }
    }
    args.addAll(clusterArgs(br, inv.pd(), inv.clusterTls()));
    args.addAll(StorageFlags.forBr(spec, StorageLocation.of(spec), presentEnv));
    // the Job's agent spec holds only the parts this subcommand reads (none for log stop, …)
    args.addAll(EncryptionFlags.forBr(spec.encryption));
    if (log == null) {
      args.addAll(filterArgs(spec.tableFilter, spec.backupType, br));
      args.addAll(perfArgs(br));
      args.addAll(options(br.options));
    } else if (log == LogSubCommand.START) {
      // log start reads --filter but none of the snapshot's performance flags; the other log
      // subcommands read only their own flags and BR's global ones (br/cmd/br/stream.go)
      args.addAll(filterArgs(spec.tableFilter, null, br));
      args.addAll(options(br.options));
    }
    return new ToolCommand(BINARY, args);
  }

  /**
   * The BR subcommand of a backup or restore: {@code full} when {@code tableFilter} is set, since
   * only {@code full} reads {@code --filter} ({@code db} and {@code table} define just {@code
   * --db}/{@code --table}); TiDB Operator's docs say tableFilter replaces br.db/br.table.
   */
  public static String subcommand(List<String> tableFilter, BackupType type) {
    if ((tableFilter != null && !tableFilter.isEmpty()) || type == null) {
      return BackupType.FULL.value();
    }
    return type.value();
  }

  /**
   * A timestamp flag, always as a TSO: BR refuses a datetime without a zone on {@code --until},
   * {@code --start-ts} and {@code --restored-ts} and reads one in the pod's zone on {@code
   * --backupts}; a datetime without a zone is UTC here ({@link Timestamps#toTso}).
   */
  static void addTs(List<Arg> args, String flag, String value) {
    StorageFlags.add(args, flag, Timestamps.toTso(value));
  }

  /** {@code --pd}, TLS and BR's global flags: the part shared by backup and restore. */
  public static List<Arg> clusterArgs(BRConfig br, String pd, boolean clusterTls) {
    List<Arg> args = new ArrayList<>();
    args.add(Arg.of("--pd=" + pd));
    if (clusterTls) {
      args.add(Arg.of("--ca=" + JobEnv.CLUSTER_TLS_DIR + "/ca.crt"));
      args.add(Arg.of("--cert=" + JobEnv.CLUSTER_TLS_DIR + "/tls.crt"));
      args.add(Arg.of("--key=" + JobEnv.CLUSTER_TLS_DIR + "/tls.key"));
    }
    StorageFlags.add(args, "--log-level=", br.logLevel);
    StorageFlags.add(args, "--status-addr=", br.statusAddr);
    StorageFlags.add(args, "--send-credentials-to-tikv=", br.sendCredToTikv);
    return args;
  }

  /**
   * {@code --filter f} per tableFilter entry, else {@code --table/--db} for table and db backups.
   */
  public static List<Arg> filterArgs(List<String> tableFilter, BackupType type, BRConfig br) {
    List<Arg> args = new ArrayList<>();
    if (tableFilter != null && !tableFilter.isEmpty()) {
      for (String f : tableFilter) {
        args.add(Arg.of("--filter"));
        args.add(Arg.of(f));
      }
    } else if (type == BackupType.TABLE) {
      args.add(Arg.of("--table=" + br.table));
      args.add(Arg.of("--db=" + br.db));
    } else if (type == BackupType.DB) {
      args.add(Arg.of("--db=" + br.db));
    }
    return args;
  }

  static List<Arg> perfArgs(BRConfig br) {
    List<Arg> args = new ArrayList<>();
    StorageFlags.add(args, "--concurrency=", br.concurrency);
    StorageFlags.add(args, "--ratelimit=", br.rateLimit);
    StorageFlags.add(args, "--timeago=", br.timeAgo);
    StorageFlags.add(args, "--checksum=", br.checksum);
    StorageFlags.add(args, "--check-requirements=", br.checkRequirements);
    return args;
  }

  static List<Arg> options(List<String> options) {
    List<Arg> args = new ArrayList<>();
    if (options != null) {
      options.forEach(o -> args.add(Arg.of(o)));
    }
    return args;
  }
}
