package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.BackoffRetryPolicy;
import io.tidbbackup.api.BackoffRetryRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffRetryTest {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  @Test
  void theCrdDefaultsApplyWhenThePolicyIsMissing() {
    var policy =
        io.tidbbackup.api.CrdDefaults.apply(new io.tidbbackup.api.BackupSpec()).backoffRetryPolicy;
    var d = BackoffRetry.onFailure(policy, null, T0, "boom");
    assertThat(d.giveUp()).isNull();
    assertThat(d.retry().retryNum).isEqualTo(1);
    assertThat(d.retry().expectedRetryAt).isEqualTo("2024-01-01T00:05:00Z");
  }

  @Test
  void delayDoublesAndGivesUpAfterMaxRetryTimes() {
    BackoffRetryPolicy p = new BackoffRetryPolicy();
    p.minRetryDuration = "60s";
    p.maxRetryTimes = 3;
    p.retryTimeout = "1h";
    List<BackoffRetryRecord> records = new ArrayList<>();
    Instant now = T0;
    List<String> expected =
        List.of("2024-01-01T00:01:00Z", "2024-01-01T00:02:00Z", "2024-01-01T00:04:00Z");
    for (String at : expected) {
      var d = BackoffRetry.onFailure(p, records, now, "boom");
      assertThat(d.retry().expectedRetryAt).isEqualTo(at);
      records.add(d.retry());
    }
    var last = BackoffRetry.onFailure(p, records, now, "boom");
    assertThat(last.retry()).isNull();
    assertThat(last.giveUp()).contains("maxRetryTimes=3");
  }

  @Test
  void givesUpAfterRetryTimeout() {
    BackoffRetryPolicy p = new BackoffRetryPolicy();
    p.retryTimeout = "10m";
    io.tidbbackup.api.CrdDefaults.apply(p); // the other fields as the CRD defaults them
    var first = BackoffRetry.onFailure(p, null, T0, "boom").retry();
    var d = BackoffRetry.onFailure(p, List.of(first), T0.plusSeconds(11 * 60), "boom");
    assertThat(d.giveUp()).contains("retryTimeout=10m0s");
  }
}
