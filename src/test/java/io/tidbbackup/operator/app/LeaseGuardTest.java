package io.tidbbackup.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** When a replica may still write: it holds the Lease, and the Lease does not expire too soon. */
class LeaseGuardTest {
  static final Instant RENEWED = Instant.parse("2026-12-02T12:00:00Z");

  static Lease lease(String holder) {
    return new LeaseBuilder()
        .withNewSpec()
        .withHolderIdentity(holder)
        .withLeaseDurationSeconds(15)
        .withRenewTime(RENEWED.atZone(ZoneOffset.UTC))
        .endSpec()
        .build();
  }

  @Test
  void onlyTheHolderWithTimeToSpareMayWrite() {
    Duration margin = Duration.ofSeconds(2);
    assertThat(LeaseGuard.held(lease("replica-a"), "replica-a", RENEWED.plusSeconds(3), margin))
        .isTrue();
    assertThat(LeaseGuard.held(lease("replica-b"), "replica-a", RENEWED.plusSeconds(3), margin))
        .as("another replica took the Lease")
        .isFalse();
    assertThat(LeaseGuard.held(lease("replica-a"), "replica-a", RENEWED.plusSeconds(14), margin))
        .as("it expires before a write could be sure to land")
        .isFalse();
    assertThat(LeaseGuard.held(null, "replica-a", RENEWED, margin)).isFalse();
  }
}
