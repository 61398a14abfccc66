package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agent restore} against fake tools: shell scripts that print what BR and Lightning print,
 * and exit 0 or 1.
 */
class RestoreAgentTest {
  static final String PASSWORD = "TiDB-pa55word-EXAMPLE";
  static final String SUMMARY =
      "[2024/06/01 12:00:01.794 +00:00] [INFO] [collector.go:77] [\"Full Restore success "
          + "summary\"] [total-ranges=22] [ranges-succeed=22] [ranges-failed=0] [split-region=1.2s] "
          + "[restore-ranges=20] [total-take=9.9s] [restore-data-size(after-compressed)=74.35kB] [Size=74346] "
          + "[BackupTS=439330705621123078] [total-kv=1114] [total-kv-size=269.8kB] [average-speed=190.5kB/s]";

  @TempDir Path dir;

  Path script(String name, String body) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(
        f, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.resolve("argv") + "\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    return f;
  }

  record Run(int code, AgentResult result, String stdout, List<String> argv) {}

  Run run(Path tool, String specYaml, List<String> args, Map<String, String> env) throws Exception {
    RestoreInvocation inv =
        AgentArgs.restore(args, Serde.YAML.readValue(specYaml, RestoreSpec.class));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path term = dir.resolve("termination-log");
    int code =
        new RestoreAgent(
                new AgentEnvironment(env, dir),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                tool.toString())
            .run(inv, term);
    return new Run(
        code,
        Serde.fromJson(Files.readString(term), AgentResult.class),
        out.toString(StandardCharsets.UTF_8),
        Files.readAllLines(dir.resolve("argv")));
  }

  static final String SNAPSHOT =
      """
      br: {cluster: basic}
      s3: {provider: aws, bucket: b, prefix: full, secretName: s}
      """;
  static final List<String> ARGS =
      List.of("--namespace=tidb", "--restoreName=r1", "--tikvVersion=v8.5.0", "--mode=snapshot");

  @Test
  void snapshotRestoreReportsTheBackupTsAndTheLastProgressOfEachStep() throws Exception {
    Run r =
        run(
            script(
                "br",
                """
        echo '[INFO] [progress.go:1] [progress] [step="Full Restore"] [progress=45.50%] [count="10 / 22"]'
        echo '[INFO] [progress.go:1] [progress] [step="Full Restore"] [progress=100.00%] [count="22 / 22"]'
        """
                    + "echo '"
                    + SUMMARY
                    + "'\nexit 0"),
            SNAPSHOT,
            ARGS,
            Map.of());
    assertThat(r.code()).isZero();
    assertThat(r.result().success).isTrue();
    assertThat(r.result().commitTs).isEqualTo("439330705621123078");
    assertThat(r.result().progresses)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.step).isEqualTo("Full Restore");
              assertThat(p.progress).isEqualTo(100.0);
            });
    assertThat(r.argv())
        .containsExactly(
            "restore",
            "full",
            "--pd=basic-pd.tidb:2379",
            "--storage=s3://b/full",
            "--s3.provider=aws");
  }

  /**
   * An older BR asked for `abort restore` prints cobra's usage and exits 0 having pruned nothing
   * (TiDB Operator looks for "Usage:" too): that is a failure, said as such, never a success.
   */
  @Test
  void aToolThatPrintsItsUsageAndExitsZeroFailed() throws Exception {
    Run r =
        run(
            script(
                "br",
                """
        echo 'br is a TiDB/TiKV cluster backup restore tool.'
        echo ''
        echo 'Usage:'
        echo '  br [command]'
        exit 0
        """),
            SNAPSHOT.replace("br: {", "prune: afterFailed\nbr: {"),
            List.of(
                "--namespace=tidb",
                "--restoreName=r1",
                "--tikvVersion=v8.5.0",
                "--mode=snapshot",
                "--abort=true"),
            Map.of());
    assertThat(r.argv()).startsWith("abort", "restore", "full");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.result().success).isFalse();
    assertThat(r.result().error).startsWith("the tool printed its usage and exited 0");
  }

  @Test
  void pitrReportsThePointItRestoredTo() throws Exception {
    Run r =
        run(
            script(
                "br",
                """
        echo '[INFO] [stream.go:1] ["restore log success summary"] [total-take=3s] [restore-from=1] [restore-to=443123999999000000]'
        exit 0"""),
            """
        restoreMode: pitr
        logRestoreStartTs: "443123456789000000"
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: log}
        """,
            List.of("--namespace=tidb", "--restoreName=r1", "--tikvVersion=v8.5.0", "--mode=pitr"),
            Map.of());
    assertThat(r.result().commitTs).isEqualTo("443123999999000000");
    assertThat(r.argv())
        .containsSubsequence("point", "--restored-ts=0", "--start-ts=443123456789000000");
  }

  @Test
  void lightningGetsThePasswordFromAPrivateFileAndNobodyElseSeesIt() throws Exception {
    Run r =
        run(
            script(
                "tidb-lightning",
                """
        pw="$(sed -n 's/^password = "\\(.*\\)"$/\\1/p' "${1#--config=}")"
        echo "[INFO] [lightning.go:1] [\\"connecting\\"] [dsn=root:$pw@tcp]"
        [ "$pw" = "%s" ] || { echo "the config file does not hold the password"; exit 3; }
        echo '[ERROR] [restore.go:1] ["import failed"] [error="Error 1045: Access denied for user root"]'
        exit 1"""
                    .formatted(PASSWORD)),
            """
        to: {host: basic-tidb.tidb, secretName: tidb-secret}
        s3: {provider: aws, bucket: b, prefix: dumpling/backup-x, region: us-west-1}
        """,
            ARGS,
            Map.of(JobEnv.PASSWORD, PASSWORD));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.argv())
        .contains("--d=s3://b/dumpling/backup-x?region=us-west-1&provider=aws")
        .noneMatch(a -> a.contains(PASSWORD) || a.startsWith("--tidb-password"))
        .anyMatch(a -> a.startsWith("--config=") && a.endsWith("/tidb-lightning.toml"));
    assertThat(r.result().success).isFalse();
    assertThat(r.result().error).contains("Access denied").doesNotContain(PASSWORD);
    assertThat(r.stdout()).doesNotContain(PASSWORD);
  }

  @Test
  void argumentsThatDoNotFitTheSpecAreRefused() throws Exception {
    RestoreSpec lightning =
        Serde.YAML.readValue(
            "to: {host: h, secretName: s}\ns3: {provider: aws, bucket: b}", RestoreSpec.class);
    assertThatThrownBy(
            () ->
                AgentArgs.restore(
                    List.of(
                        "--namespace=tidb",
                        "--restoreName=r",
                        "--tikvVersion=v8.5.0",
                        "--mode=pitr"),
                    lightning))
        .hasMessageContaining("need a BR restore");
    assertThatThrownBy(
            () -> AgentArgs.restore(List.of("--namespace=tidb", "--tikvVersion=v8.5.0"), lightning))
        .hasMessageContaining("--restoreName");
    assertThatThrownBy(
            () ->
                AgentArgs.restore(
                    List.of(
                        "--namespace=tidb",
                        "--restoreName=r",
                        "--tikvVersion=v8.5.0",
                        "--mode=volume-snapshot"),
                    lightning))
        .hasMessageContaining("unsupported --mode");
  }
}
