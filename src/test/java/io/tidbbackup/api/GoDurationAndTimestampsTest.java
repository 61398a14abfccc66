package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationAndTimestampsTest {
  @Test
  void parsesGoDurations() {
    assertThat(GoDuration.parse("300s")).isEqualTo(Duration.ofSeconds(300));
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("72h")).isEqualTo(Duration.ofHours(72));
    assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> GoDuration.parse("5 minutes")).hasMessageContaining("5 minutes");
    assertThat(GoDuration.isValid("")).isFalse();
    assertThat(GoDuration.isValid("3d")).isFalse();
  }

  @Test
  void formatsLikeGo() {
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(GoDuration.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(GoDuration.format(Duration.ofSeconds(7205))).isEqualTo("2h0m5s");
  }

  @Test
  void acceptsWhatBrAcceptsAsTimestamp() {
    assertThat(Timestamps.isTsoOrDatetime("400036290571534337")).isTrue();
    assertThat(Timestamps.isTsoOrDatetime("2024-10-01 00:00:00")).isTrue();
    assertThat(Timestamps.isTsoOrDatetime("2024-10-01 00:00:00 +0800")).isTrue();
    assertThat(Timestamps.isTsoOrDatetime("2022-05-15 18:00:00+0800")).isTrue();
    assertThat(Timestamps.isTsoOrDatetime("2022-05-15 18:00:00+08:00")).isTrue();
    assertThat(Timestamps.isTsoOrDatetime("2022-05-15 18:00:00 junk")).isFalse();
    assertThat(Timestamps.isTsoOrDatetime("2024-10-01T00:00:00Z")).isTrue();
    assertThat(Timestamps.isTsoOrDatetime("yesterday")).isFalse();
    assertThat(Timestamps.isTsoOrDatetime("")).isFalse();
  }
}
