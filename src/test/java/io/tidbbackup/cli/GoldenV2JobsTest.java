package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.Golden;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every Backup and Restore of examples/v2 (TiDB Operator v2's own documented manifests) renders,
 * with the v2 cluster objects of examples/v2/cluster.yaml in the same input as the operator reads
 * them, to its committed golden Job and BR command line: PD from the PDGroup, BR's version from the
 * TiKVGroup; a Cluster not in the input is said on stderr with what was assumed.
 */
class GoldenV2JobsTest {
  static final Path EXAMPLES = Path.of("examples/v2");
  static final Path GOLDEN = Path.of("src/test/resources/golden/v2");

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      List<Path> files =
          s.filter(
                  p ->
                      p.getFileName().toString().startsWith("backup-")
                          || p.getFileName().toString().startsWith("restore-"))
              .sorted()
              .toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(8);
      return files.stream();
    }
  }

  record Run(int exit, String out, String err) {}

  static Run render(Path input, String... args) {
    RenderCommand cmd = new RenderCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    String[] all =
        Stream.concat(Stream.of("-f", input.toString()), Stream.of(args)).toArray(String[]::new);
    int exit = new CommandLine(cmd).execute(all);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Path withCluster(Path example, Path dir) throws IOException {
    Path input = dir.resolve(example.getFileName());
    Files.writeString(
        input,
        Files.readString(EXAMPLES.resolve("cluster.yaml")) + "\n---\n" + Files.readString(example));
    return input;
  }

  static String base(Path file) {
    return file.getFileName().toString().replace(".yaml", "");
  }

  @ParameterizedTest
  @MethodSource("examples")
  void jobAndCommandLine(Path example, @TempDir Path dir) throws IOException {
    Path input = withCluster(example, dir);
    Run job = render(input);
    assertThat(job.exit()).as(job.err()).isZero();
    Golden.check(GOLDEN.resolve(base(example) + ".job.yaml"), job.out());
    Run cmd = render(input, "--command");
    assertThat(cmd.exit()).as(cmd.err()).isZero();
    Golden.check(GOLDEN.resolve(base(example) + ".cmd.txt"), cmd.out());
    boolean demo1 = Files.readString(example).contains("cluster: demo1");
    if (demo1) {
      // the operator's lookup: PD at the PDGroup's service, BR of the TiKVGroup's version
      assertThat(cmd.out()).contains("--pd=demo1-pd-pd.test1:2379");
      assertThat(job.out())
          .contains("image: pingcap/br:v8.5.1")
          .contains("--pd=demo1-pd-pd.test1:2379");
      assertThat(job.out()).contains("pingcap.com/managed-by: tidb-operator");
      assertThat(job.err()).isEmpty();
    } else {
      assertThat(job.err()).contains("in the input: assumed PD at");
    }
  }

  /** Without the cluster objects, render says what it assumed instead of the Cluster's facts. */
  @Test
  void aV2ObjectWithoutItsClusterInTheInputSaysWhatWasAssumed() {
    Run r = render(EXAMPLES.resolve("backup-snapshot-full-s3.yaml"), "--command");
    assertThat(r.exit()).isZero();
    assertThat(r.err())
        .contains("no Cluster demo1 (core.pingcap.com) in the input")
        .contains("assumed PD at demo1-pd.test1:2379, TiKV v8.5.0");
    assertThat(r.out()).contains("--pd=demo1-pd.test1:2379");
  }

  /** A paused Cluster: the operator would wait; render says so and renders anyway. */
  @Test
  void aPausedClusterIsSaid(@TempDir Path dir) throws IOException {
    Path input = withCluster(EXAMPLES.resolve("backup-snapshot-full-s3.yaml"), dir);
    Files.writeString(input, Files.readString(input).replace("spec: {}", "spec: {paused: true}"));
    Run r = render(input, "--command");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).contains("is paused (spec.paused): work waits");
  }
}
