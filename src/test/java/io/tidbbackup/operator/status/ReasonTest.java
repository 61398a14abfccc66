package io.tidbbackup.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.storage.PrefixRefusal;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Reasons are enums in code and plain strings on the wire; the ones that arrive as strings all have
 * a constant.
 */
class ReasonTest {
  @Test
  void everyPrefixRefusalIsAReason() {
    for (PrefixRefusal r : PrefixRefusal.values()) {
      assertThat(Reason.valueOf(r.name()).name()).isEqualTo(r.name());
    }
  }

  @Test
  void everyKindAScheduleCreatesHasItsCreatedReason() {
    assertThat(Reason.valueOf("Backup" + "Created")).isEqualTo(Reason.BackupCreated);
    assertThat(Reason.valueOf("CompactBackup" + "Created")).isEqualTo(Reason.CompactBackupCreated);
  }

  @Test
  void wireStringsAreTheConstantNamesAndEventTypesAreKubernetes() {
    assertThat(Reason.wire(Reason.JobDeleted)).isEqualTo("JobDeleted");
    assertThat(Reason.wire(null)).isNull();
    assertThat(Arrays.stream(EventType.values()).map(EventType::wire))
        .containsExactly("Normal", "Warning");
  }
}
