package io.tidbbackup.cli.plugin;

import static io.tidbbackup.cli.plugin.PluginFixtures.log;
import static io.tidbbackup.cli.plugin.PluginFixtures.snapshot;
import static io.tidbbackup.cli.plugin.PluginFixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidbbackup.api.Backup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Restore the plugin applies names the backups, not their storage, and says beforehand what it
 * will read; a target outside the window is refused with the window named.
 */
class RestorePlanTest {
  List<Backup> backups() throws Exception {
    // the log runs from 01:00 to 20:00; snapshots at 02:00 and 08:00, one at 12:00 failed
    return List.of(
        log("Running", 1, 20),
        snapshot("s2", "Complete", 2),
        snapshot("s8", "Complete", 8),
        snapshot("s12", "Failed", null));
  }

  @Test
  void aTargetInsideTheWindowNamesTheScheduleAndSaysWhatItReads() throws Exception {
    var plan =
        RestorePlan.of(
            "tidb", "r1", Long.toString(ts(10)), "nightly", null, null, "basic", backups());
    assertThat(plan.restore()).isNotNull();
    var spec = plan.restore().getSpec();
    assertThat(spec.backupSource.backupSchedule).isEqualTo("nightly");
    assertThat(spec.backupSource.cluster).isNull();
    assertThat(spec.pitrRestoredTs).isEqualTo(Long.toString(ts(10)));
    assertThat(spec.s3).isNull();
    assertThat(spec.br.cluster).isEqualTo("basic");
    assertThat(plan.explanation())
        .contains("from snapshot s8 and log backup log")
        .contains("2024-05-01T10:00:00Z");
    assertThat(RestorePlan.yaml(plan))
        .startsWith("# restores basic to 2024-05-01T10:00:00Z from snapshot s8")
        .contains("kind: Restore")
        .contains("restoreMode: pitr")
        .contains("backupSchedule: nightly");
  }

  @Test
  void noTargetIsTheLatestPoint() throws Exception {
    var plan = RestorePlan.of("tidb", "r1", null, null, "basic", null, "basic", backups());
    assertThat(plan.restore().getSpec().pitrRestoredTs).isEqualTo(Long.toString(ts(20)));
    assertThat(plan.restore().getSpec().backupSource.cluster).isEqualTo("basic");
  }

  @Test
  void aTargetOutsideTheWindowIsRefusedWithTheWindow() throws Exception {
    var plan =
        RestorePlan.of(
            "tidb", "r1", Long.toString(ts(21)), "nightly", null, null, "basic", backups());
    assertThat(plan.restore()).isNull();
    assertThat(plan.explanation())
        .contains("2024-05-01T21:00:00Z is outside the window of BackupSchedule nightly")
        .contains("2024-05-01T02:00:00Z to 2024-05-01T20:00:00Z");
  }

  @Test
  void badInputNamesTheOption() {
    assertThatThrownBy(
            () -> RestorePlan.of("tidb", "r", "yesterday", "s", null, null, "c", List.of()))
        .hasMessageContaining("--to yesterday");
    assertThatThrownBy(() -> RestorePlan.of("tidb", "r", null, "s", "c", null, "c", List.of()))
        .hasMessageContaining("--schedule and --cluster");
  }
}
