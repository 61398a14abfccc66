package io.tidbbackup.agent;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.storage.StorageLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Builds the Dumpling command line. Dumpling writes straight to the object store ({@code
 * --output=s3://bucket/prefix/backup-<ts>} with its own storage flags): no PVC, no tarball, no
 * rclone.
 */
public final class DumplingCommand {
  public static final String BINARY = JobEnv.DUMPLING_BIN_DIR + "/dumpling";
  public static final List<String> DEFAULT_FILTERS =
      List.of(
          "*.*",
          "!/^(mysql|test|INFORMATION_SCHEMA|PERFORMANCE_SCHEMA|METRICS_SCHEMA|INSPECTION_SCHEMA)$/.*");
  public static final List<String> DEFAULT_OPTIONS = List.of("--threads=16", "--rows=10000");

  private DumplingCommand() {}

  /** Where the export goes: the provider's prefix plus {@code outputName}. */
  public static StorageLocation output(BackupInvocation inv) {
    return StorageLocation.of(inv.spec()).child(inv.outputName());
  }

  public static ToolCommand build(BackupInvocation inv, Set<String> presentEnv) {
    BackupSpec spec = inv.spec();
    List<Arg> args =
        new ArrayList<>(StorageFlags.storageUrl("--output=", spec, output(inv), presentEnv));
    args.add(Arg.of("--host=" + spec.from.host));
    args.add(Arg.of("--port=" + (spec.from.port == null ? 4000 : spec.from.port)));
    args.add(
        Arg.of(
            "--user="
                + (spec.from.user == null || spec.from.user.isEmpty() ? "root" : spec.from.user)));
    args.add(Arg.secret("--password=", JobEnv.PASSWORD));
    args.addAll(StorageFlags.providerFlags(spec));
    List<String> filters =
        spec.tableFilter != null && !spec.tableFilter.isEmpty()
            ? spec.tableFilter
            : spec.dumpling != null
                    && spec.dumpling.tableFilter != null
                    && !spec.dumpling.tableFilter.isEmpty()
                ? spec.dumpling.tableFilter
                : DEFAULT_FILTERS;
    for (String f : filters) {
      args.add(Arg.of("--filter"));
      args.add(Arg.of(f));
    }
    List<String> options =
        spec.dumpling != null && spec.dumpling.options != null && !spec.dumpling.options.isEmpty()
            ? spec.dumpling.options
            : DEFAULT_OPTIONS;
    options.forEach(o -> args.add(Arg.of(o)));
    if (inv.clientTls()) {
      args.add(Arg.of("--ca=" + JobEnv.CLIENT_TLS_DIR + "/ca.crt"));
      args.add(Arg.of("--cert=" + JobEnv.CLIENT_TLS_DIR + "/tls.crt"));
      args.add(Arg.of("--key=" + JobEnv.CLIENT_TLS_DIR + "/tls.key"));
    }
    return new ToolCommand(BINARY, args);
  }
}
