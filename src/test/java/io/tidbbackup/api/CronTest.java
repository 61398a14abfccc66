package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronTest {
  static final ZoneId UTC = ZoneOffset.UTC;

  static String next(String expr, String after) {
    return Cron.parse(expr).next(ZonedDateTime.parse(after), UTC).toString();
  }

  @Test
  void firesAtTheNextMatchingMinute() {
    assertThat(next("*/5 * * * *", "2024-01-01T00:03:10Z")).isEqualTo("2024-01-01T00:05Z");
    assertThat(next("0 2 * * *", "2024-01-01T02:00:00Z")).isEqualTo("2024-01-02T02:00Z");
    assertThat(next("30 1 1,15 * *", "2024-01-02T00:00:00Z")).isEqualTo("2024-01-15T01:30Z");
    assertThat(next("0 0 * * MON-FRI", "2024-01-05T12:00:00Z"))
        .isEqualTo("2024-01-08T00:00Z"); // Fri → Mon
    assertThat(next("0 0 1 FEB *", "2024-03-01T00:00:00Z")).isEqualTo("2025-02-01T00:00Z");
    assertThat(next("0 0 29 2 *", "2024-03-01T00:00:00Z")).isEqualTo("2028-02-29T00:00Z");
    assertThat(next("@hourly", "2024-01-01T10:59:59Z")).isEqualTo("2024-01-01T11:00Z");
    assertThat(next("@every 90m", "2024-01-01T10:00:00Z")).isEqualTo("2024-01-01T11:30Z");
    assertThat(next("0 0 * * 7", "2024-01-01T00:00:00Z"))
        .isEqualTo("2024-01-07T00:00Z"); // 7 is Sunday
  }

  @Test
  void bothDayFieldsRestrictedMatchEitherAsInCron() {
    // the 13th or any Friday
    assertThat(next("0 0 13 * 5", "2024-09-01T00:00:00Z")).isEqualTo("2024-09-06T00:00Z");
    assertThat(next("0 0 13 * 5", "2024-09-07T00:00:00Z")).isEqualTo("2024-09-13T00:00Z");
  }

  @Test
  void aTimeZoneMovesTheFiring() {
    ZonedDateTime t =
        Cron.parse("0 2 * * *")
            .next(ZonedDateTime.parse("2024-01-01T00:00:00Z"), ZoneId.of("Asia/Shanghai"));
    assertThat(t.toInstant().toString()).isEqualTo("2024-01-01T18:00:00Z");
  }

  @Test
  void badExpressionsNameTheField() {
    assertThatThrownBy(() -> Cron.parse("0 25 * * *")).hasMessageContaining("hour \"25\"");
    assertThatThrownBy(() -> Cron.parse("* * * *")).hasMessageContaining("expected 5 fields");
    assertThatThrownBy(() -> Cron.parse("*/0 * * * *")).hasMessageContaining("minute");
    assertThatThrownBy(() -> Cron.parse("0 0 * * FUNDAY")).hasMessageContaining("day-of-week");
    assertThatThrownBy(() -> Cron.parse("@fortnightly")).hasMessageContaining("unknown descriptor");
  }
}
