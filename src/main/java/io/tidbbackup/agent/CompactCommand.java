package io.tidbbackup.agent;

import io.tidbbackup.api.CompactSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Timestamps;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tikv-ctl --log-level INFO --log-format json compact-log-backup --storage-base64 … --from …
 * -N … [--name …] [--until …]}, and for {@code mode: sharded} {@code --cal-shift-ts
 * --physical-file-cache-capacity <…|0> [--until …] --shard <index+1>/<count>
 * --minimal-compaction-size 0}, as TiDB Operator's compact manager runs it. Datetimes become TSOs.
 */
public final class CompactCommand {
  public static final String BINARY = JobEnv.TIKV_BIN_DIR + "/tikv-ctl";

  private CompactCommand() {}

  /**
   * @param toolVersion the release of tikv-ctl (and of the BR beside it) the Job runs
   * @param shardIndex this pod's index in a sharded compaction (JOB_COMPLETION_INDEX), else null
   */
  public static ToolCommand build(CompactSpec spec, Integer shardIndex, String toolVersion) {
    List<Arg> args =
        new ArrayList<>(
            List.of(
                Arg.of("--log-level"),
                Arg.of("INFO"),
                Arg.of("--log-format"),
                Arg.of("json"),
                Arg.of("compact-log-backup"),
                Arg.of("--storage-base64"),
                Arg.of(StorageBackendProto.base64(spec, toolVersion)),
                Arg.of("--from"),
                Arg.of(Timestamps.toTso(spec.startTs)),
                Arg.of("-N"),
                Arg.of(String.valueOf(spec.concurrency))));
    if (spec.name != null && !spec.name.isEmpty()) {
      args.add(Arg.of("--name"));
      args.add(Arg.of(spec.name));
    }
    // as TiDB Operator release-1.x (cmd/backup-manager/app/compact/manager.go, buildCompactArgs):
    // sharded: --cal-shift-ts --physical-file-cache-capacity <value, "0" when unset> [--until]
    // --shard <index + 1>/<count> (tikv-ctl counts shards from 1) --minimal-compaction-size 0
    boolean sharded = "sharded".equals(spec.mode);
    if (sharded) {
      args.add(Arg.of("--cal-shift-ts"));
      args.add(Arg.of("--physical-file-cache-capacity"));
      String cache =
          spec.physicalFileCacheCapacity == null ? "" : spec.physicalFileCacheCapacity.trim();
      args.add(Arg.of(cache.isEmpty() ? "0" : cache));
    }
    if (spec.endTs != null && !spec.endTs.isEmpty()) {
      args.add(Arg.of("--until"));
      args.add(Arg.of(Timestamps.toTso(spec.endTs)));
    }
    if (sharded) {
      args.add(Arg.of("--shard"));
      args.add(
          Arg.of(
              ((shardIndex == null ? 0 : shardIndex) + 1)
                  + "/"
                  + (spec.shardCount == null ? 1 : spec.shardCount)));
      args.add(Arg.of("--minimal-compaction-size"));
      args.add(Arg.of("0"));
    }
    return new ToolCommand(BINARY, args);
  }
}
