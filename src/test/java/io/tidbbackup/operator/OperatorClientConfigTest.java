package io.tidbbackup.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.junit.jupiter.api.Test;

/**
 * The operator's client is the caller's configuration over HTTP/1.1: over HTTP/2 every request and
 * watch share one connection, the bottleneck at thousands of Backups (docs/development.md).
 */
class OperatorClientConfigTest {

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
}
