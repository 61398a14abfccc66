package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.Golden;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.JobSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Backup in examples/ renders to its committed golden Job YAML and tool command line, so that
 * a change to a generated Job or flag is always a reviewed diff.
 */
class GoldenBackupJobsTest {
  static final Path EXAMPLES = Path.of("examples");
  static final Path GOLDEN = Path.of("src/test/resources/golden");
  static final String CREATED = "2024-01-01T00:00:00Z";

  static Stream<Path> backupExamples() throws IOException {
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      List<Path> files =
          s.filter(p -> p.getFileName().toString().startsWith("backup-")).sorted().toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(15);
      return files.stream();
    }
  }

  static Backup load(Path file) throws IOException {
    Backup b = Serde.YAML.readValue(file.toFile(), Backup.class);
    ManifestReader.defaults(b);
    b.getMetadata().setCreationTimestamp(CREATED);
    return b;
  }

  static ClusterFacts facts(Path file) {
    return new ClusterFacts("v8.5.0", file.getFileName().toString().contains("tls"));
  }

  static String base(Path file) {
    return file.getFileName().toString().replace(".yaml", "");
  }

  @ParameterizedTest
  @MethodSource("backupExamples")
  void jobYaml(Path file) throws IOException {
    Render.Result r = Render.backupJob(load(file), facts(file), JobSettings.defaults());
    assertThat(r.error()).as("validation of %s", file).isNull();
    assertThat(r.output()).doesNotContain("EXAMPLEONLY");
    Golden.check(GOLDEN.resolve(base(file) + ".job.yaml"), r.output());
  }

  /** The clean Job each example gets when it is deleted with cleanPolicy: Delete. */
  @ParameterizedTest
  @MethodSource("backupExamples")
  void cleanJobYaml(Path file) throws IOException {
    Backup b = load(file);
    if (b.getSpec().backupMode == io.tidbbackup.api.BackupMode.LOG) {
      return; // log backups keep their data unless cleanPolicy says Delete; same Job shape as the
      // others
    }
    String path = io.tidbbackup.operator.job.BackupJobBuilder.backupPath(b);
    Job job =
        io.tidbbackup.operator.job.CleanJobBuilder.build(
            b,
            path,
            JobSettings.defaults(),
            3,
            io.tidbbackup.operator.settings.CleanJobPolicy.ACTIVE_DEADLINE.toSeconds());
    assertThat(job.getMetadata().getName()).hasSizeLessThanOrEqualTo(63);
    String yaml = Serde.yaml(job);
    assertThat(yaml).doesNotContain("EXAMPLEONLY");
    Golden.check(GOLDEN.resolve(base(file) + ".clean-job.yaml"), yaml);
  }

  @ParameterizedTest
  @MethodSource("backupExamples")
  void commandLine(Path file) throws IOException {
    Render.Result r = Render.backupCommand(load(file), facts(file), JobSettings.defaults());
    assertThat(r.error()).as("validation of %s", file).isNull();
    assertThat(r.output()).doesNotContain("EXAMPLEONLY");
    Golden.check(GOLDEN.resolve(base(file) + ".cmd.txt"), r.output() + "\n");
  }
}
