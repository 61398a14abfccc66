package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.Golden;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.RestoreJobBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Restore in examples/ renders to its committed golden Job YAML and tool command line (and,
 * with prune, the golden {@code br abort restore} Job), so that a change to a generated Job or flag
 * is always a reviewed diff.
 */
class GoldenRestoreJobsTest {
  static final Path GOLDEN = GoldenBackupJobsTest.GOLDEN;

  static Stream<Path> restoreExamples() throws IOException {
    try (Stream<Path> s = Files.list(GoldenBackupJobsTest.EXAMPLES)) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().startsWith("restore-")).sorted().toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(11);
      return files.stream();
    }
  }

  static Restore load(Path file) throws IOException {
    Restore r = Serde.YAML.readValue(file.toFile(), Restore.class);
    ManifestReader.defaults(r);
    r.getMetadata().setCreationTimestamp(GoldenBackupJobsTest.CREATED);
    return r;
  }

  @ParameterizedTest
  @MethodSource("restoreExamples")
  void jobYaml(Path file) throws IOException {
    Render.Result r =
        Render.restoreJob(load(file), GoldenBackupJobsTest.facts(file), JobSettings.defaults());
    assertThat(r.error()).as("validation of %s", file).isNull();
    assertThat(r.output()).doesNotContain("EXAMPLEONLY");
    Golden.check(GOLDEN.resolve(GoldenBackupJobsTest.base(file) + ".job.yaml"), r.output());
  }

  @ParameterizedTest
  @MethodSource("restoreExamples")
  void commandLine(Path file) throws IOException {
    Render.Result r =
        Render.restoreCommand(load(file), GoldenBackupJobsTest.facts(file), JobSettings.defaults());
    assertThat(r.error()).as("validation of %s", file).isNull();
    assertThat(r.output()).doesNotContain("EXAMPLEONLY");
    Golden.check(GOLDEN.resolve(GoldenBackupJobsTest.base(file) + ".cmd.txt"), r.output() + "\n");
  }

  @ParameterizedTest
  @MethodSource("restoreExamples")
  void pruneJobYaml(Path file) throws IOException {
    Restore r = load(file);
    if (r.getSpec().prune == null) {
      return;
    }
    String yaml =
        Serde.yaml(
            RestoreJobBuilder.build(
                r, true, GoldenBackupJobsTest.facts(file), JobSettings.defaults()));
    Golden.check(GOLDEN.resolve(GoldenBackupJobsTest.base(file) + ".prune-job.yaml"), yaml);
  }
}
