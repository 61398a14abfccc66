package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidbbackup.api.Serde;
import io.tidbbackup.storage.BackupLayout;
import io.tidbbackup.storage.TestingS3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code agent clean -f BACKUP.yaml [--dry-run]} as a user runs it: a separate JVM with credentials
 * in its environment, against s3proxy. JSON summary on stdout, progress on stderr, exit 0 only when
 * verified empty.
 */
class AgentCleanCommandTest {
  static final int N = 700;

  @RegisterExtension
  final S3ProxyExtension s3proxy =
      S3ProxyExtension.builder()
          .withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret")
          .withBlobStoreProvider("transient")
          .build();

  @TempDir Path dir;
  S3Client admin;
  List<String> sentinels;

  @BeforeEach
  void fill() throws Exception {
    admin = TestingS3.client(s3proxy.getUri().toString());
    admin.createBucket(b -> b.bucket("bkt"));
    TestingS3.put(admin, "bkt", BackupLayout.snapshotKeys("nightly/b1", N));
    sentinels = BackupLayout.siblingSentinels("nightly", "b1");
    TestingS3.put(admin, "bkt", sentinels);
  }

  @AfterEach
  void close() {
    admin.close();
  }

  Path backupFile(String backupPath) throws IOException {
    Path f = dir.resolve("backup.yaml");
    Files.writeString(
        f,
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: b1, namespace: tidb}
        spec:
          cleanPolicy: Delete
          cleanOption: {pageSize: 300}
          br: {cluster: basic}
          s3: {provider: minio, bucket: bkt, prefix: nightly/b1, endpoint: '%s'}
        status:
          backupPath: %s
        """
            .formatted(s3proxy.getUri(), backupPath));
    return f;
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.tidbbackup.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("AWS_ACCESS_KEY_ID", "access");
    pb.environment().put("AWS_SECRET_ACCESS_KEY", "secret");
    pb.environment().remove("TERMINATION_LOG");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void dryRunThenCleanAndSummaryJson() throws Exception {
    Path f = backupFile("s3://bkt/nightly/b1");
    Run dry = run("agent", "clean", "-f", f.toString(), "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    JsonNode d = Serde.JSON.readTree(dry.out().trim());
    assertThat(d.path("listed").asLong()).isEqualTo(N);
    assertThat(d.path("deleted").asLong()).isZero();
    assertThat(TestingS3.keys(admin, "bkt")).hasSize(N + sentinels.size());

    Run real = run("agent", "clean", "-f", f.toString());
    assertThat(real.code()).as(real.err()).isZero();
    JsonNode r = Serde.JSON.readTree(real.out().trim());
    assertThat(r.path("listed").asLong()).isEqualTo(N);
    assertThat(r.path("deleted").asLong()).isEqualTo(N);
    assertThat(r.path("failed").asLong()).isZero();
    assertThat(r.path("requests").path("delete").asLong())
        .isEqualTo(3); // 3 chunks of up to 300 keys, one DeleteObjects each
    // the prefix listed a level at a time: its own level, then 1/ to 5/ and checkpoints/ (one
    // request each), then the verification listing
    assertThat(r.path("requests").path("list").asLong()).isEqualTo(1 + 6 + 1);
    assertThat(r.has("seconds")).isTrue();
    // the numbers are in the report (stdout, the termination message): no Prometheus text on stderr
    assertThat(real.err()).contains("progress listed=").doesNotContain("tidb_backup_");
    assertThat(TestingS3.keys(admin, "bkt")).containsExactlyInAnyOrderElementsOf(sentinels);
  }

  @Test
  void aBackupPathOutsideTheSpecsStorageIsRefusedAndNothingIsDeleted() throws Exception {
    Run r = run("agent", "clean", "-f", backupFile("s3://bkt/nightly").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("status.backupPath s3://bkt/nightly is not under");
    Run other = run("agent", "clean", "-f", backupFile("s3://other-bucket/nightly/b1").toString());
    assertThat(other.code()).isEqualTo(2);
    assertThat(TestingS3.keys(admin, "bkt")).hasSize(N + sentinels.size());
  }

  @Test
  void aBucketRootPrefixIsRefused() throws Exception {
    Path f = dir.resolve("root.yaml");
    Files.writeString(
        f,
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: b1}
        spec:
          br: {cluster: basic}
          s3: {provider: minio, bucket: bkt, endpoint: '%s'}
        status:
          backupPath: s3://bkt
        """
            .formatted(s3proxy.getUri()));
    Run r = run("agent", "clean", "-f", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("prefix is empty");
    assertThat(TestingS3.keys(admin, "bkt")).hasSize(N + sentinels.size());
  }

  /** Bad input is refused with exit 2 and a message naming what is wrong: never a stack trace. */
  @Test
  void aManifestThatIsNotABackupIsRefusedNamingWhatIsWrongWithoutAStackTrace() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nspec: [unclosed\n");
    Run r = run("agent", "clean", "-f", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("line", "not a YAML or JSON manifest").doesNotContain("\tat ");
    assertThat(TestingS3.keys(admin, "bkt")).hasSize(N + sentinels.size());
  }

  static String refusal(Path file, String yaml) throws Exception {
    Files.writeString(file, yaml);
    try {
      AgentCommand.Clean.readBackup(file);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  @Test
  void everyKindOfBadManifestIsNamed() throws Exception {
    Path f = dir.resolve("m.yaml");
    assertThat(refusal(f, "")).contains("empty");
    assertThat(refusal(f, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"))
        .contains("kind \"ConfigMap\"", "only a Backup");
    assertThat(
            refusal(
                f,
                "apiVersion: pingcap.com/v1alpha1\nkind: Restore\nmetadata: {name: x}\nspec: {}\n"))
        .contains("kind \"Restore\"");
    // TiDB Operator v2's Backup is read as well (the same spec), another group's is not
    assertThat(
            refusal(
                f,
                "apiVersion: br.pingcap.com/v1alpha1\nkind: Backup\nmetadata: {name: x}\nspec:\n"
                    + "  s3: {provider: aws, bucket: b}\n"))
        .isNull();
    assertThat(
            refusal(f, "apiVersion: example.com/v1\nkind: Backup\nmetadata: {name: x}\nspec: {}\n"))
        .contains("apiVersion \"example.com/v1\"", "br.pingcap.com/v1alpha1");
    assertThat(
            refusal(
                f,
                "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nmetadata: {name: x}\nspec:\n"
                    + "  cleanOption: {pageSize: lots}\n  s3: {bucket: b}\n"))
        .contains("spec.cleanOption.pageSize");
    assertThat(
            refusal(
                f,
                "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nmetadata: {name: x}\nspec:\n"
                    + "  s3: {bucket: b}\n  gcs: {bucket: b}\n"))
        .contains("exactly one storage provider", "found 2");
    assertThat(refusal(f, "apiVersion: pingcap.com/v1alpha1\nkind: Backup\nmetadata: {name: x}\n"))
        .contains("spec is missing");
  }
}
