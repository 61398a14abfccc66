package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.Golden;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.job.JobSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CompactBackup in examples/ renders to its committed golden Job YAML and tikv-ctl command
 * line.
 */
class GoldenCompactJobsTest {

  static Stream<Path> compactExamples() throws IOException {
    try (Stream<Path> s = Files.list(GoldenBackupJobsTest.EXAMPLES)) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().startsWith("compact-")).sorted().toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(2);
      return files.stream();
    }
  }

  static CompactBackup load(Path file) throws IOException {
    CompactBackup c = Serde.YAML.readValue(file.toFile(), CompactBackup.class);
    ManifestReader.defaults(c);
    c.getMetadata().setCreationTimestamp(GoldenBackupJobsTest.CREATED);
    return c;
  }

  @ParameterizedTest
  @MethodSource("compactExamples")
  void jobYaml(Path file) throws IOException {
    Render.Result r =
        Render.compactJob(load(file), GoldenBackupJobsTest.facts(file), JobSettings.defaults());
    assertThat(r.error()).as("validation of %s", file).isNull();
    Golden.check(
        GoldenBackupJobsTest.GOLDEN.resolve(GoldenBackupJobsTest.base(file) + ".job.yaml"),
        r.output());
  }

  @ParameterizedTest
  @MethodSource("compactExamples")
  void commandLine(Path file) throws IOException {
    Render.Result r =
        Render.compactCommand(load(file), GoldenBackupJobsTest.facts(file), JobSettings.defaults());
    assertThat(r.error()).as("validation of %s", file).isNull();
    Golden.check(
        GoldenBackupJobsTest.GOLDEN.resolve(GoldenBackupJobsTest.base(file) + ".cmd.txt"),
        r.output() + "\n");
  }
}
