package io.tidbbackup.operator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import org.junit.jupiter.api.Test;

/**
 * A user's podSecurityContext keeps what it says; what Pod Security "restricted" needs and it left
 * unset is added, never against it (PodSecurityIT admits every example's pods on the real API
 * server).
 */
class ToolPodSecurityTest {
  @Test
  void whatTheUserLeftUnsetIsAddedNeverWhatTheySaid() {
    PodSecurityContext uid1000 =
        ToolPod.completed(new PodSecurityContextBuilder().withRunAsUser(1000L).build());
    assertThat(uid1000.getRunAsUser()).isEqualTo(1000L);
    assertThat(uid1000.getRunAsNonRoot()).isTrue();
    assertThat(uid1000.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    // only a group: a non-root user is needed too, or a tool image that runs as root is refused
    PodSecurityContext group =
        ToolPod.completed(new PodSecurityContextBuilder().withFsGroup(2000L).build());
    assertThat(group.getFsGroup()).isEqualTo(2000L);
    assertThat(group.getRunAsUser()).isEqualTo(ToolPod.RUN_AS);
    assertThat(group.getRunAsNonRoot()).isTrue();

    // root asked for: kept, and nothing that would refuse it is added
    PodSecurityContext root =
        ToolPod.completed(new PodSecurityContextBuilder().withRunAsUser(0L).build());
    assertThat(root.getRunAsUser()).isZero();
    assertThat(root.getRunAsNonRoot()).isNull();
    PodSecurityContext mayBeRoot =
        ToolPod.completed(new PodSecurityContextBuilder().withRunAsNonRoot(false).build());
    assertThat(mayBeRoot.getRunAsUser()).isNull();
    assertThat(mayBeRoot.getRunAsNonRoot()).isFalse();

    // the user's own seccomp profile stays
    PodSecurityContext localhost =
        ToolPod.completed(
            new PodSecurityContextBuilder()
                .withNewSeccompProfile()
                .withType("Localhost")
                .withLocalhostProfile("p.json")
                .endSeccompProfile()
                .build());
    assertThat(localhost.getSeccompProfile().getType()).isEqualTo("Localhost");
  }
}
