package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RenderCommandTest {
  @TempDir Path dir;

  record Out(int code, String out, String err) {}

  Out render(String yaml, String... extra) throws Exception {
    Path f = dir.resolve("in.yaml");
    Files.writeString(f, yaml);
    RenderCommand cmd = new RenderCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    String[] args = new String[extra.length + 2];
    args[0] = "-f";
    args[1] = f.toString();
    System.arraycopy(extra, 0, args, 2, extra.length);
    int code = new CommandLine(cmd).execute(args);
    return new Out(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static final String GOOD =
      """
      apiVersion: pingcap.com/v1alpha1
      kind: Backup
      metadata: {name: good}
      spec:
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: p}
      """;

  @Test
  void rendersEveryObjectAndTheCommandLine() throws Exception {
    Out o = render(GOOD + "---\n" + GOOD.replace("good", "second"));
    assertThat(o.code()).isZero();
    assertThat(o.out()).contains("name: backup-good", "name: backup-second", "\n---\n");
    Out c = render(GOOD, "--command", "--tikv-version", "v7.5.0");
    assertThat(c.out().trim())
        .isEqualTo(
            "/var/lib/br-bin/br backup full --pd=basic-pd.default:2379 --storage=s3://b/p --s3.provider=aws");
  }

  @Test
  void invalidObjectExitsNonZeroWithTheInvalidConditionMessage() throws Exception {
    Out o = render(GOOD + "---\n" + GOOD.replace("good", "bad").replace("bucket: b, ", ""));
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.err()).contains("Backup bad is invalid: spec.s3.bucket is required");
    assertThat(o.out()).contains("name: backup-good");
  }
}
