package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A clean reads only its part of the spec ({@link CleanSpec}): the same storage and cleanOption,
 * defaults included, as the whole spec read gives, for every example Backup of both API groups.
 */
class CleanSpecTest {

  @Test
  void everyExampleBackupGivesTheCleanTheStorageAndCleanOptionOfTheWholeSpec() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("examples"))) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    int backups = 0;
    for (Path f : files) {
      for (JsonNode doc :
          Serde.YAML.readValues(Serde.YAML.createParser(f.toFile()), JsonNode.class).readAll()) {
        if (!doc.path("kind").asText().equals("Backup")) {
          continue;
        }
        backups++;
        BackupSpec whole =
            CrdDefaults.apply(Serde.JSON.treeToValue(doc.get("spec"), BackupSpec.class));
        CleanSpec part = CleanSpec.of(doc.get("spec"), f.toString());
        assertThat(part.storageType()).as(f.toString()).isEqualTo(whole.storageType());
        CleanSpec expected = new CleanSpec();
        expected.s3 = whole.s3;
        expected.gcs = whole.gcs;
        expected.azblob = whole.azblob;
        expected.local = whole.local;
        expected.cleanOption = whole.cleanOption;
        assertThat(Serde.json(part)).as(f.toString()).isEqualTo(Serde.json(expected));
      }
    }
    assertThat(backups).as("example Backups of both groups").isGreaterThan(20);
  }

  @Test
  void theCrdDefaultsOfCleanOptionAreFilledAndACephEndpointNormalised() throws Exception {
    CleanSpec c =
        CleanSpec.of(
            Serde.YAML.readTree(
                "s3: {provider: ceph, endpoint: 'http://ceph:80/', bucket: b}\n"
                    + "cleanOption: {pageSize: 50}\n"),
            "m.yaml");
    assertThat(c.cleanOption.pageSize).isEqualTo(50L);
    assertThat(c.cleanOption.retryCount).isEqualTo(CleanOption.DEFAULT_RETRY_COUNT);
    BackupSpec whole =
        CrdDefaults.apply(
            Serde.YAML.readValue(
                "s3: {provider: ceph, endpoint: 'http://ceph:80/', bucket: b}\n",
                BackupSpec.class));
    assertThat(c.s3.endpoint).isEqualTo(whole.s3.endpoint);
  }

  @Test
  void badInputIsRefusedNamingTheField() throws Exception {
    assertThatThrownBy(() -> CleanSpec.of(null, "m.yaml")).hasMessage("m.yaml: spec is missing");
    assertThatThrownBy(() -> CleanSpec.of(Serde.YAML.readTree("[1]"), "m.yaml"))
        .hasMessage("m.yaml: spec: expected an object");
    assertThatThrownBy(
            () ->
                CleanSpec.of(
                    Serde.YAML.readTree("s3: {bucket: b}\ncleanOption: {pageSize: [1]}\n"), "E"))
        .hasMessageStartingWith("E: spec.cleanOption.pageSize: ");
    assertThatThrownBy(
            () -> CleanSpec.of(Serde.YAML.readTree("s3: {bucket: b}\ngcs: {bucket: c}\n"), "E"))
        .hasMessageContaining("exactly one storage provider", "found 2");
    assertThatThrownBy(() -> CleanSpec.of(Serde.YAML.readTree("br: {cluster: c}\n"), "E"))
        .hasMessageContaining("found 0");
  }

  @Test
  void fieldsACleanDoesNotReadAreNotRead() throws Exception {
    // the API server would refuse this Backup; a clean of its storage does not depend on them
    CleanSpec c =
        CleanSpec.of(
            Serde.YAML.readTree("s3: {bucket: b}\ntolerations: 5\nresources: [x]\n"), "m.yaml");
    assertThat(c.s3.bucket).isEqualTo("b");
  }
}
