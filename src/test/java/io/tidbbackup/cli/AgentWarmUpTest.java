package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentWarmUpTest {
  /**
   * The image build's training run must succeed, or the Dockerfile's RUN fails the build: it reads,
   * renders and cleans its sample Backup (the delete reached its own endpoint, the verifying
   * listing found nothing).
   */
  @Test
  void theTrainingRunCleansItsSampleOnItsOwnEndpoint() throws Exception {
    assertThat(io.tidbbackup.Main.run("agent", "warm-up")).isZero();
  }
}
