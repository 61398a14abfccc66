package io.tidbbackup.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.tidbbackup.operator.settings.OperatorSettings;
import org.junit.jupiter.api.Test;

/**
 * The operator's client is the caller's configuration over HTTP/1.1: over HTTP/2 every request and
 * watch share one connection, the bottleneck at thousands of Backups (docs/development.md). And the
 * operator's JOSDK configuration keeps a written status cached against late events.
 */
class OperatorFactoryClientConfigTest {

  @Test
  void theCallersConfigurationOverHttp11() {
    Config given =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("https://10.0.0.1:6443")
            .withOauthToken("token-of-the-service-account")
            .withNamespace("tidb-admin")
            .withRequestTimeout(12_345)
            .build();
    Config c = OperatorFactory.clientConfig(given);
    assertThat(c.isHttp2Disable()).isTrue();
    assertThat(c.getMasterUrl()).startsWith("https://10.0.0.1:6443");
    assertThat(c.getOauthToken()).isEqualTo("token-of-the-service-account");
    assertThat(c.getNamespace()).isEqualTo("tidb-admin");
    assertThat(c.getRequestTimeout()).isEqualTo(12_345);
    assertThat(given.isHttp2Disable()).as("the caller's own is left as it was").isFalse();
  }

  /**
   * The status a reconcile wrote is what the next one reads until the informer brings a later
   * version: resourceVersions are compared as numbers, so an older event arriving late under load
   * does not drop it (which made the next status write a conflict and a GET).
   */
  @Test
  void aStaleEventDoesNotDropTheStatusJustWritten() {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:1").build();
    try (var client =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
      var operator =
          OperatorFactory.create(client, OperatorSettings.defaults(), java.time.Clock.systemUTC());
      assertThat(
              operator.getConfigurationService().parseResourceVersionsForEventFilteringAndCaching())
          .isTrue();
    }
  }
}
