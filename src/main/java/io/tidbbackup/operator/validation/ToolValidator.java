package io.tidbbackup.operator.validation;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.CompactSpec;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.tools.ToolCli;
import io.tidbbackup.tools.ToolModel;
import io.tidbbackup.tools.ToolVersion;
import java.util.List;

/**
 * What the release of the tool a Job would run cannot do for a spec, from the tools' command-line
 * models (tools/*.tsv): each message names the field and the release, so that a spec the tool
 * cannot serve is Invalid instead of a Job that fails or does nothing. A check that depends on the
 * release runs once it is known: from the image's tag, else the cluster's TiKV version (null until
 * the cluster is read).
 */
final class ToolValidator {
  private ToolValidator() {}

  /** Dumpling's filters, whatever its release: every release splits --filter at commas. */
  static void backup(BackupSpec spec, List<String> errors) {
    if (spec.br == null) {
      dumplingFilters("spec", spec.tableFilter, errors);
      if (spec.dumpling != null) {
        dumplingFilters("spec.dumpling", spec.dumpling.tableFilter, errors);
      }
    }
  }

  static void restore(RestoreSpec spec, String tikvVersion, List<String> errors) {
    String version = ToolVersion.ofImage(spec.toolImage, tikvVersion);
    if (version == null || spec.br == null || spec.prune == null) {
      return;
    }
    ToolCli br = ToolModel.of(ToolModel.BR).at(ToolVersion.of(version));
    String abort = "abort restore " + (spec.restoreMode == RestoreMode.PITR ? "point" : "full");
    if (!br.hasCommand(abort)) {
      errors.add(
          "spec.prune: BR "
              + br.version()
              + " has no `br "
              + abort
              + "` to prune with (it would print its usage and exit 0, pruning nothing); use"
              + " spec.toolImage of BR "
              + ToolModel.of(ToolModel.BR).since(abort)
              + " or later, or remove spec.prune");
    }
  }

  static void compact(CompactSpec spec, String tikvVersion, List<String> errors) {
    String version = ToolVersion.ofImage(spec.tikvImage, tikvVersion);
    if (version == null) {
      return;
    }
    ToolCli ctl = ToolModel.of(ToolModel.TIKV_CTL).at(ToolVersion.of(version));
    String cmd = "compact-log-backup";
    if (!ctl.hasCommand(cmd)) {
      errors.add(
          "spec.tikvImage: tikv-ctl "
              + ctl.version()
              + " has no compact-log-backup (TiKV "
              + ToolModel.of(ToolModel.TIKV_CTL).since(cmd)
              + " or later has it)");
      return;
    }
    if ("sharded".equals(spec.mode) && !ctl.accepts(cmd, "shard")) {
      errors.add(
          "spec.mode sharded: tikv-ctl "
              + ctl.version()
              + " has no --shard; leave spec.mode empty"
              + " or use a tikv-ctl that shards");
    }
    boolean untilRequired =
        ctl.flagsOf(cmd).stream().anyMatch(f -> f.name().equals("until") && f.required());
    if (untilRequired && (spec.endTs == null || spec.endTs.isEmpty())) {
      errors.add("spec.endTs is required: tikv-ctl " + ctl.version() + " requires --until");
    }
  }

  /**
   * Dumpling reads {@code --filter} as a comma-separated list (pflag StringSlice), so a filter with
   * a comma ({@code db{1,2}.*}) would become two filters of another meaning.
   */
  static void dumplingFilters(String at, List<String> filters, List<String> errors) {
    if (filters == null) {
      return;
    }
    for (int i = 0; i < filters.size(); i++) {
      if (filters.get(i) != null && filters.get(i).contains(",")) {
        errors.add(
            at
                + ".tableFilter["
                + i
                + "] \""
                + filters.get(i)
                + "\" has a comma: Dumpling splits --filter at commas, so it would read two"
                + " filters; write it as separate entries");
      }
    }
  }
}
