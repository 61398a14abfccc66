package io.tidbbackup.agent;

import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.CleanSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.storage.CleanEngine;
import io.tidbbackup.storage.CleanSettings;
import io.tidbbackup.storage.ObjectStore;
import io.tidbbackup.storage.ObjectStores;
import io.tidbbackup.storage.PrefixGuard;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.StoreOptions;
import io.tidbbackup.storage.UnsafePrefixException;
import java.io.PrintStream;
import java.util.Map;

/**
 * {@code agent clean}: deletes a backup's data (the prefix status.backupPath names, which must lie
 * in the spec's storage). Progress goes to stderr, a one-line JSON summary to stdout. Success only
 * when the prefix is verified empty.
 */
public final class CleanAgent {
  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;

  public CleanAgent(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  /**
   * Cleans and returns the report; throws {@link UnsafePrefixException} before deleting anything
   * unsafe.
   */
  public CleanReport clean(CleanSpec spec, String backupPath, boolean dryRun) throws Exception {
    StorageLocation target = StorageLocation.target(spec, backupPath);
    PrefixGuard.directory(target);
    CleanSettings settings = CleanSettings.of(spec.cleanOption);
    err.println(
        "agent: cleaning " + target.url() + (dryRun ? " (dry run)" : "") + " with " + settings);
    CleanEngine engine =
        new CleanEngine(
            (listed, deleted, failed) ->
                err.println(new AgentProtocol.CleanProgress(listed, deleted, failed).line()),
            d -> Thread.sleep(d.toMillis()));
    CleanReport report;
    try (ObjectStore store =
        ObjectStores.open(
            spec,
            new StoreOptions(
                env, Math.max(settings.batchConcurrency(), settings.routineConcurrency()) + 4))) {
      report = engine.clean(store, target, settings, dryRun);
    }
    out.println(Serde.json(report));
    if (report.error() != null) {
      err.println("agent: " + report.error());
    }
    return report;
  }
}
