package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * crds/ is what the build generates (target/crds), and the CRDs carry what the compatibility
 * promise says.
 */
class CrdFilesTest {
  static final Path COMMITTED = Path.of("crds");
  static final Path GENERATED = Path.of("target/crds");

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void committedCrdsAreWhatTheBuildGenerates() throws IOException {
    assertThat(names(COMMITTED)).isEqualTo(names(GENERATED));
    for (String name : names(GENERATED)) {
      assertThat(Files.readString(COMMITTED.resolve(name)))
          .as(
              "crds/%s is stale: run `mvn process-classes && cp target/crds/* crds/` and commit",
              name)
          .isEqualTo(Files.readString(GENERATED.resolve(name)));
    }
  }

  static JsonNode crd(String name) throws IOException {
    return Serde.YAML.readTree(COMMITTED.resolve(name).toFile());
  }

  static JsonNode specSchema(JsonNode crd) {
    return crd.path("spec")
        .path("versions")
        .get(0)
        .path("schema")
        .path("openAPIV3Schema")
        .path("properties")
        .path("spec");
  }

  @Test
  void backupCrdHasStatusSubresourceShortNameColumnsEnumsAndDefaults() throws IOException {
    JsonNode crd = crd("backups.pingcap.com.yaml");
    assertThat(crd.path("spec").path("group").asText()).isEqualTo("pingcap.com");
    assertThat(crd.path("spec").path("scope").asText()).isEqualTo("Namespaced");
    JsonNode v = crd.path("spec").path("versions").get(0);
    assertThat(v.path("name").asText()).isEqualTo("v1alpha1");
    assertThat(v.path("subresources").has("status")).isTrue();
    assertThat(crd.path("spec").path("names").path("shortNames").get(0).asText()).isEqualTo("bk");
    // TiDB Operator's columns, in its order and with its priorities
    // (pkg/apis/pingcap/v1alpha1/types.go, release-1.6, the Backup's printcolumn markers)
    assertThat(columns(v))
        .containsExactly(
            "Type:0",
            "Mode:0",
            "Status:0",
            "BackupPath:0",
            "BackupSize:0",
            "IncrementalBackupSize:10",
            "CommitTS:0",
            "LogTruncateUntil:0",
            "Started:1",
            "Completed:1",
            "TimeTaken:0",
            "Age:0");

    JsonNode spec = specSchema(crd).path("properties");
    assertThat(spec.path("cleanPolicy").path("default").asText()).isEqualTo("Retain");
    assertThat(spec.path("cleanPolicy").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Retain", "OnFailure", "Delete");
    assertThat(spec.path("backupMode").path("default").asText()).isEqualTo("snapshot");
    assertThat(spec.path("backupType").path("enum"))
        .extracting(JsonNode::asText)
        .contains("full", "db", "table");
    assertThat(spec.path("logSubcommand").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(
            "log-start", "log-stop", "log-pause", "log-resume", "log-truncate");
    // the object-level default TiDB Operator forgot: without it the inner defaults never apply
    JsonNode policy = spec.path("backoffRetryPolicy");
    assertThat(policy.path("default").isObject()).isTrue();
    assertThat(policy.path("properties").path("minRetryDuration").path("default").asText())
        .isEqualTo("300s");
    assertThat(policy.path("properties").path("maxRetryTimes").path("default").asInt())
        .isEqualTo(2);
    assertThat(policy.path("properties").path("retryTimeout").path("default").asText())
        .isEqualTo("30m");
    JsonNode clean = spec.path("cleanOption").path("properties");
    assertThat(clean.path("pageSize").path("default").asLong()).isEqualTo(10000);
    assertThat(clean.path("retryCount").path("default").asInt()).isEqualTo(5);
    assertThat(clean.path("batchConcurrency").path("default").asInt()).isEqualTo(10);
    assertThat(clean.path("routineConcurrency").path("default").asInt()).isEqualTo(100);
    assertThat(spec.path("s3").path("required"))
        .extracting(JsonNode::asText)
        .containsExactly("provider");
    assertThat(spec.path("br").path("required"))
        .extracting(JsonNode::asText)
        .containsExactly("cluster");
    // no EBS volume-snapshot fields
    assertThat(spec.has("federalVolumeBackupPhase")).isFalse();
    assertThat(spec.has("calcSizeLevel")).isFalse();
    assertThat(spec.path("backupMode").path("enum"))
        .extracting(JsonNode::asText)
        .doesNotContain("volume-snapshot");
  }

  /** "name:priority" of each printer column, in order. */
  static List<String> columns(JsonNode version) {
    List<String> out = new java.util.ArrayList<>();
    version
        .path("additionalPrinterColumns")
        .forEach(c -> out.add(c.path("name").asText() + ":" + c.path("priority").asInt(0)));
    return out;
  }

  @Test
  void compactBackupColumnsAndRestoreDefaultsAreUpstreams() throws IOException {
    // the CompactBackup's printcolumn markers (types.go, release-1.6), then our additive Age
    assertThat(columns(crd("compactbackups.pingcap.com.yaml").path("spec").path("versions").get(0)))
        .containsExactly("Status:0", "EndTs:0", "Progress:0", "Message:0", "Age:0");
    // manifests/crd/v1/pingcap.com_restores.yaml (release-1.6): default false
    JsonNode restore = specSchema(crd("restores.pingcap.com.yaml")).path("properties");
    assertThat(restore.path("tolerateSingleTiKVOutage").path("default").asBoolean(true)).isFalse();
    assertThat(columns(crd("restores.pingcap.com.yaml").path("spec").path("versions").get(0)))
        .containsExactly(
            "Status:0", "Started:1", "Completed:1", "TimeTaken:0", "CommitTS:0", "Age:0");
  }

  @Test
  void restoreAndScheduleCrdsHaveTheirShortNames() throws IOException {
    assertThat(
            crd("restores.pingcap.com.yaml")
                .path("spec")
                .path("names")
                .path("shortNames")
                .get(0)
                .asText())
        .isEqualTo("rt");
    JsonNode bks = crd("backupschedules.pingcap.com.yaml");
    assertThat(bks.path("spec").path("names").path("shortNames").get(0).asText()).isEqualTo("bks");
    assertThat(specSchema(bks).path("required"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("schedule", "backupTemplate");
  }
}
