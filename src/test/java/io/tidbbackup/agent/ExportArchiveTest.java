package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.storage.TestingS3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A Lightning restore of a Dumpling export kept as one archive, as TiDB Operator's Dumpling backups
 * write it ({@code backup-<time>.tgz}, made here by GNU tar): downloaded from a real S3 server
 * (s3proxy), unpacked on the fly, read by Lightning there. Archives that would write outside the
 * volume are refused with nothing written outside it.
 */
class ExportArchiveTest {
  static final String NAME = "backup-2024-01-01T00:00:00Z";
  static final String LONG =
      "sales.a_table_with_a_name_long_enough_that_ustar_cannot_hold_it_in_its_one_hundred_bytes"
          + ".000000000.sql";

  @RegisterExtension
  final S3ProxyExtension s3proxy =
      S3ProxyExtension.builder()
          .withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret")
          .withBlobStoreProvider("transient")
          .build();

  @TempDir Path dir;

  /** A Dumpling export directory: metadata, schema and data files, one with a long name. */
  Path export() throws IOException {
    Path e = dir.resolve("src").resolve(NAME);
    Files.createDirectories(e);
    Files.writeString(e.resolve("metadata"), "Started dump at: 2024-01-01\nSHOW MASTER STATUS:\n");
    Files.writeString(e.resolve("sales-schema-create.sql"), "CREATE DATABASE `sales`;\n");
    Files.writeString(e.resolve(LONG), "INSERT INTO t VALUES (1);\n".repeat(1000));
    return e;
  }

  Path tar(String archive, String... args) throws Exception {
    Path out = dir.resolve(archive);
    List<String> cmd = new ArrayList<>(List.of("tar"));
    cmd.addAll(List.of(args));
    cmd.add("-f");
    cmd.add(out.toString());
    Process p = new ProcessBuilder(cmd).directory(dir.resolve("src").toFile()).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue())
        .as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .isZero();
    return out;
  }

  static List<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  static TarExtractor.Summary extract(Path archive, Path dest, UnaryOperator<String> rename)
      throws IOException {
    try (InputStream in = Files.newInputStream(archive)) {
      return TarExtractor.extract(in, dest, rename);
    }
  }

  @Test
  void gnuPaxAndPlainTarArchivesUnpackAsTheyWereMade() throws Exception {
    export();
    for (Path archive :
        List.of(
            tar("gnu.tgz", "-cz", "--format=gnu", NAME),
            tar("pax.tar.gz", "-cz", "--format=pax", NAME),
            tar("plain.tar", "-c", NAME))) {
      Path dest = dir.resolve("out-" + archive.getFileName());
      TarExtractor.Summary s = extract(archive, dest, n -> n);
      assertThat(files(dest))
          .as(archive.getFileName().toString())
          .containsExactlyInAnyOrder(
              NAME + "/metadata", NAME + "/" + LONG, NAME + "/sales-schema-create.sql");
      assertThat(s.files()).isEqualTo(3);
      assertThat(Files.readString(dest.resolve(NAME).resolve(LONG)))
          .isEqualTo("INSERT INTO t VALUES (1);\n".repeat(1000));
    }
  }

  @Test
  void anArchiveThatWouldWriteOutsideItsVolumeIsRefused() throws Exception {
    export();
    Path dest = dir.resolve("volume");
    Path outside = dir.resolve("outside.sql");
    Files.writeString(dir.resolve("src").resolve("..").resolve("outside.sql"), "sentinel");
    // GNU tar keeps "../" with -P: the classic zip-slip archive
    Path slip = tar("slip.tgz", "-cz", "-P", NAME + "/metadata", "../outside.sql");
    Files.writeString(outside, "sentinel");
    assertThatThrownBy(() -> extract(slip, dest, n -> n))
        .hasMessageContaining("outside its directory")
        .hasMessageContaining("../outside.sql");
    assertThat(Files.readString(outside)).isEqualTo("sentinel");

    Files.createSymbolicLink(dir.resolve("src").resolve("link"), Path.of("/etc/passwd"));
    Path link = tar("link.tgz", "-cz", "link");
    assertThatThrownBy(() -> extract(link, dir.resolve("volume2"), n -> n))
        .hasMessageContaining("only files and directories are unpacked");
    assertThat(dir.resolve("volume2").resolve("link")).doesNotExist();
  }

  @Test
  void aLightningRestoreDownloadsAndUnpacksTheArchiveThenReadsItOnTheVolume() throws Exception {
    export();
    Path archive = tar("export.tgz", "-cz", NAME);
    S3Client s3 = TestingS3.client(s3proxy.getUri().toString());
    s3.createBucket(b -> b.bucket("dumps"));
    s3.putObject(
        b -> b.bucket("dumps").key("dumpling/" + NAME + ".tgz"), RequestBody.fromFile(archive));
    // a sentinel next to it: not read, not touched
    s3.putObject(b -> b.bucket("dumps").key("dumpling/other.tgz"), RequestBody.fromString("x"));

    Path lightning = dir.resolve("tidb-lightning");
    Files.writeString(
        lightning,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > "
            + dir.resolve("argv")
            + "\necho '[INFO] lightning exit'\n");
    Files.setPosixFilePermissions(lightning, PosixFilePermissions.fromString("rwx------"));
    RestoreSpec spec =
        Serde.YAML.readValue(
            """
        to: {host: basic-tidb.tidb, secretName: tidb-secret}
        s3: {provider: minio, endpoint: %s, forcePathStyle: true, path: s3://dumps/dumpling/%s.tgz}
        """
                .formatted(s3proxy.getUri(), NAME),
            RestoreSpec.class);
    Path volume = dir.resolve("backup");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = restore(spec, lightning, volume, out);
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(files(volume))
        .containsExactlyInAnyOrder(
            NAME + "/metadata", NAME + "/" + LONG, NAME + "/sales-schema-create.sql");
    assertThat(Files.readAllLines(dir.resolve("argv"))).contains("--d=/backup/" + NAME);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("unpacked 3 files");
    assertThat(
            Serde.fromJson(Files.readString(dir.resolve("termination-log")), AgentResult.class)
                .success)
        .isTrue();

    // a missing archive fails the restore before Lightning runs, saying which
    spec.s3.path = "s3://dumps/dumpling/missing.tgz";
    Files.delete(dir.resolve("argv"));
    int missing = restore(spec, lightning, dir.resolve("backup2"), new ByteArrayOutputStream());
    assertThat(missing).isNotZero();
    assertThat(dir.resolve("argv")).doesNotExist();
    assertThat(
            Serde.fromJson(Files.readString(dir.resolve("termination-log")), AgentResult.class)
                .error)
        .contains("s3://dumps/dumpling/missing.tgz");
  }

  /** {@code agent restore} of this spec with the fake Lightning, unpacking into {@code volume}. */
  int restore(RestoreSpec spec, Path lightning, Path volume, ByteArrayOutputStream out)
      throws Exception {
    return new RestoreAgent(
            new AgentEnvironment(
                Map.of(
                    JobEnv.PASSWORD, "pw",
                    JobEnv.AWS_ACCESS_KEY_ID, "access",
                    JobEnv.AWS_SECRET_ACCESS_KEY, "secret"),
                dir),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            lightning.toString(),
            volume)
        .run(AgentArgs.restore(RestoreAgentTest.ARGS, spec), dir.resolve("termination-log"));
  }
}
