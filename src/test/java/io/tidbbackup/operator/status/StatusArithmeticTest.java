package io.tidbbackup.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.ConditionTypes;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusArithmeticTest {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2024-01-01T00:05:00Z");

  @Test
  void humanBytesLikeGoHumanize() {
    assertThat(Sizes.humanBytes(0)).isEqualTo("0 B");
    assertThat(Sizes.humanBytes(9)).isEqualTo("9 B");
    assertThat(Sizes.humanBytes(74346)).isEqualTo("74 kB");
    assertThat(Sizes.humanBytes(3759864831L)).isEqualTo("3.8 GB");
    assertThat(Sizes.humanBytes(1000)).isEqualTo("1.0 kB");
  }

  @Test
  void transitionTimeMovesOnlyWhenStatusFlips() {
    var a = Conditions.upsert(null, null, Conditions.of("Clean", "False", null, "running"), T0);
    assertThat(a.phase()).isEqualTo("Clean");
    var b =
        Conditions.upsert(
            a.conditions(), a.phase(), Conditions.of("Clean", "False", null, "50%"), T1);
    assertThat(b.conditions()).hasSize(1);
    assertThat(b.conditions().get(0).lastTransitionTime).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(b.conditions().get(0).message).isEqualTo("50%");
    var c =
        Conditions.upsert(
            b.conditions(), b.phase(), Conditions.of("Clean", "True", null, null), T1);
    assertThat(c.conditions().get(0).lastTransitionTime).isEqualTo("2024-01-01T00:05:00Z");
  }

  @Test
  void restartKeepsThePhase() {
    var a =
        Conditions.upsert(
            List.<BackupCondition>of(),
            ConditionTypes.RETRY_FAILED,
            Conditions.of(ConditionTypes.RESTART, "True", null, null),
            T0);
    assertThat(a.phase()).isEqualTo(ConditionTypes.RETRY_FAILED);
    assertThat(a.conditions()).hasSize(1);
  }
}
