package io.tidbbackup.agent;

import io.tidbbackup.api.BRConfig;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.storage.StorageLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds {@code br restore …} (and {@code br abort restore …} for pruning) in TiDB Operator v1's
 * order: subcommand, {@code --pd}, TLS, global flags, storage, encryption, filters, performance
 * flags, {@code br.options}; a PiTR restore ends with {@code --restored-ts} and {@code
 * --full-backup-storage} or {@code --start-ts}.
 */
public final class BrRestoreCommand {

  private BrRestoreCommand() {}

  public static ToolCommand build(RestoreInvocation inv, Set<String> presentEnv) {
    RestoreSpec spec = inv.spec();
    BRConfig br = spec.br;
    boolean pitr = inv.mode() == RestoreMode.PITR;
    List<Arg> args = new ArrayList<>();
    if (inv.abort()) {
      args.add(Arg.of("abort"));
    }
    args.add(Arg.of("restore"));
    args.add(
        Arg.of(pitr ? "point" : BrBackupCommand.subcommand(spec.tableFilter, spec.backupType)));
    args.addAll(BrBackupCommand.clusterArgs(br, inv.pd(), inv.clusterTls()));
    args.addAll(StorageFlags.forBr(spec, StorageLocation.of(spec), presentEnv));
    // abort restore reads the backupmeta too (late v8.5: RunRestoreAbort → ReadBackupMeta)
    args.addAll(EncryptionFlags.forBr(spec.encryption));
    args.addAll(BrBackupCommand.filterArgs(spec.tableFilter, pitr ? null : spec.backupType, br));
    if (!inv.abort()) {
      StorageFlags.add(args, "--concurrency=", br.concurrency);
      StorageFlags.add(args, "--checksum=", br.checksum);
      StorageFlags.add(args, "--check-requirements=", br.checkRequirements);
      StorageFlags.add(args, "--ratelimit=", br.rateLimit);
      StorageFlags.add(args, "--online=", br.onLine);
      args.addAll(BrBackupCommand.options(br.options));
    }
    if (pitr) {
      // as TiDB Operator's backup-manager: "0" lets BR restore up to the newest log data
      BrBackupCommand.addTs(
          args, "--restored-ts=", empty(spec.pitrRestoredTs) ? "0" : spec.pitrRestoredTs);
      if (spec.pitrFullBackupStorageProvider != null
          && spec.pitrFullBackupStorageProvider.storageType() != null) {
        args.addAll(
            StorageFlags.storageUrl(
                "--full-backup-storage=",
                spec.pitrFullBackupStorageProvider,
                StorageLocation.of(spec.pitrFullBackupStorageProvider),
                presentEnv));
      } else if (!empty(spec.logRestoreStartTs)) {
        BrBackupCommand.addTs(args, "--start-ts=", spec.logRestoreStartTs);
      }
    }
    return new ToolCommand(BrBackupCommand.BINARY, args);
  }

  static boolean empty(String s) {
    return s == null || s.isEmpty();
  }
}
