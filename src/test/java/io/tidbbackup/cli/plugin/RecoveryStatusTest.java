package io.tidbbackup.cli.plugin;

import static io.tidbbackup.cli.plugin.PluginFixtures.DAY;
import static io.tidbbackup.cli.plugin.PluginFixtures.log;
import static io.tidbbackup.cli.plugin.PluginFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.Backup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * status answers per cluster: the window, its gaps, the last backups, log lag, work, stuck cleans.
 */
class RecoveryStatusTest {
  @Test
  void aClustersWindowLastBackupsAndLogLag() throws Exception {
    Backup stuck = snapshot("s1", "Complete", 1);
    stuck.getMetadata().setDeletionTimestamp("2024-05-01T20:00:00Z");
    Backup running = snapshot("s9", "Running", null);
    String out =
        RecoveryStatus.render(
            List.of(log("Running", 1, 20), snapshot("s2", "Complete", 2), stuck, running),
            List.of(),
            DAY.plusSeconds(21 * 3600));
    assertThat(out)
        .contains("Cluster tidb/basic")
        .contains(
            "restorable: 2024-05-01T02:00:00Z (snapshot s2) to 2024-05-01T20:00:00Z (snapshot s2 +"
                + " log backup log)")
        .contains("log backup log: checkpoint 2024-05-01T20:00:00Z, 60m behind")
        .contains("running: Backup s9 Running")
        .contains("stuck clean: Backup s1 deleted 60m ago");
    assertThat(out.lines().filter(l -> l.startsWith("    s")).toList())
        .as("the last backups, newest first")
        .containsExactly(
            "    s9 Running",
            "    s2 Complete at 2024-05-01T02:00:00Z",
            "    s1 Complete at 2024-05-01T01:00:00Z");
  }

  @Test
  void noSnapshotIsSaidAsAGap() throws Exception {
    String out =
        RecoveryStatus.render(
            List.of(log("Running", 1, 20)), List.of(), DAY.plusSeconds(20 * 3600));
    assertThat(out).contains("restorable: nothing").contains("gap ");
  }

  @Test
  void noBackupsAtAll() {
    assertThat(RecoveryStatus.render(List.of(), List.of(), DAY))
        .contains("nothing can be restored");
  }
}
