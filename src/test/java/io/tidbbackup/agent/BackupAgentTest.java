package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a fake tool: a shell script that prints a real BR summary (or errors) and exits
 * 0 or 1.
 */
class BackupAgentTest {
  static final String SAS = "sv=2023-01-03&sig=TOPSECRETSIGNATURE";
  static final String SUMMARY =
      "[2023/02/09 11:34:01.794 +08:00] [INFO] [collector.go:73] [\"Full Backup success "
          + "summary\"] [total-ranges=22] [ranges-succeed=22] [ranges-failed=0] [backup-checksum=91.994496ms] "
          + "[backup-fast-checksum=11.178486ms] [backup-total-ranges=80] [backup-total-regions=80] "
          + "[total-take=1.416143685s] [BackupTS=439330705621123078] [total-kv=1114] [total-kv-size=269.8kB] "
          + "[average-speed=190.5kB/s] [backup-data-size(after-compressed)=74.35kB] [Size=74346]";

  @TempDir Path dir;

  Path script(String body) throws Exception {
    Path f = dir.resolve("br");
    Files.writeString(
        f, "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + dir.resolve("argv") + "\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    return f;
  }

  static BackupInvocation azureInvocation() throws Exception {
    BackupSpec spec =
        Serde.YAML.readValue(
            """
        br: {cluster: basic}
        azblob: {storageAccount: acct, container: c, prefix: p}
        """,
            BackupSpec.class);
    return AgentArgs.backup(
        List.of("--namespace=tidb", "--backupName=b1", "--tikvVersion=v8.5.0", "--mode=snapshot"),
        spec);
  }

  record Run(int code, AgentResult result, String stdout, List<String> argv) {}

  Run run(Path tool) throws Exception {
    Map<String, String> env =
        new HashMap<>(Map.of(JobEnv.AZURE_SAS_TOKEN, SAS, JobEnv.AZURE_STORAGE_ACCOUNT, "acct"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path term = dir.resolve("termination-log");
    int code =
        new BackupAgent(
                new AgentEnvironment(env, dir),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                tool.toString())
            .run(azureInvocation(), term);
    AgentResult r = Serde.fromJson(Files.readString(term), AgentResult.class);
    return new Run(
        code, r, out.toString(StandardCharsets.UTF_8), Files.readAllLines(dir.resolve("argv")));
  }

  @Test
  void successReportsCommitTsSizeAndPathAndNeverPrintsTheSecret() throws Exception {
    Run r = run(script("echo '" + SUMMARY + "'\nexit 0"));
    assertThat(r.code()).isZero();
    assertThat(r.result().success).isTrue();
    assertThat(r.result().commitTs).isEqualTo("439330705621123078");
    assertThat(r.result().backupSize).isEqualTo(74346L);
    assertThat(r.result().backupPath).isEqualTo("azure://c/p/");
    // the tool gets the real token, URL-encoded as TiDB Operator v1.6 encodes it (url.Values in
    // pkg/backup/util/remote.go, newAzblobStorageOptionForFlag: a SAS token is itself a query
    // string, which BR would otherwise split); nobody else sees it
    assertThat(r.argv())
        .containsExactly(
            "backup",
            "full",
            "--pd=basic-pd.tidb:2379",
            "--storage=azure://c/p/?account-name=acct&sas-token="
                + "sv%3D2023-01-03%26sig%3DTOPSECRETSIGNATURE");
    assertThat(r.stdout())
        .contains("Full Backup success summary")
        .doesNotContain("TOPSECRETSIGNATURE");
    assertThat(r.stdout()).contains("sas-token=******");
  }

  @Test
  void failureReportsTheLastErrorLinesRedacted() throws Exception {
    Run r =
        run(
            script(
                """
        echo '[INFO] [client.go:1] ["starting"]'
        echo '[ERROR] [backup.go:40] ["failed to access azure://c/p/?sas-token=%s"] [error="403 Forbidden"]'
        echo '[ERROR] [main.go:58] ["br failed"] [error="[BR:ExternalStorage:ErrStorageInvalidPermission]"]'
        exit 1"""
                    .formatted(SAS)));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.result().success).isFalse();
    assertThat(r.result().exitCode).isEqualTo(1);
    assertThat(r.result().error)
        .contains("403 Forbidden", "ErrStorageInvalidPermission")
        .doesNotContain("TOPSECRETSIGNATURE")
        .doesNotContain("starting");
    assertThat(r.stdout()).doesNotContain("TOPSECRETSIGNATURE");
  }

  @Test
  void stoppingTheAgentTerminatesTheToolWithSigterm() throws Exception {
    Path marker = dir.resolve("got-term");
    Path tool =
        script("trap 'echo term > " + marker + "; exit 143' TERM\nwhile true; do sleep 0.1; done");
    Process p = new ProcessBuilder(tool.toString()).start();
    Thread.sleep(300);
    ToolRunner.stop(p);
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(marker).exists();
    assertThat(p.exitValue()).isEqualTo(143);
  }

  @Test
  void terminationMessageStaysWithinFourKibibytes() {
    AgentResult r = new AgentResult();
    r.error = "x".repeat(20_000) + " the last line says why";
    String json = TerminationMessage.encode(r);
    assertThat(json.getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(AgentResult.MAX_BYTES);
    assertThat(json).endsWith("the last line says why\"}");
  }

  @Test
  void aDumplingExportReportsTheSnapshotTsoFromItsMetadataFile() throws Exception {
    // Dumpling's metadata file (TiDB Operator's GetCommitTsFromMetadata reads its Pos: line)
    Path volume = dir.resolve("volume");
    Files.createDirectories(volume);
    Path dumpling =
        script(
            """
        out="$(printf '%s\\n' "$@" | sed -n 's|^--output=local://||p')"
        mkdir -p "$out"
        printf 'Started dump at: 2024-06-01 12:00:00\\nSHOW MASTER STATUS:\\n\\tLog: tidb-binlog\\n\\tPos: 450123456789012345\\n\\tGTID:\\n\\nFinished dump at: 2024-06-01 12:00:05\\n' > "$out/metadata"
        echo '[INFO] [main.go:1] ["dump data successfully, dumpling will exit now"]'
        """);
    BackupSpec spec =
        Serde.YAML.readValue(
            """
        from: {host: basic-tidb.tidb, secretName: s}
        local:
          prefix: dumps
          volume: {name: nfs, emptyDir: {}}
          volumeMount: {name: nfs, mountPath: %s}
        """
                .formatted(volume),
            BackupSpec.class);
    BackupInvocation inv =
        AgentArgs.backup(
            List.of(
                "--namespace=tidb",
                "--backupName=d1",
                "--tikvVersion=v8.5.0",
                "--mode=snapshot",
                "--output-name=backup-x"),
            spec);
    Path term = dir.resolve("termination-log");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        new BackupAgent(
                new AgentEnvironment(Map.of(JobEnv.PASSWORD, "pw"), dir),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                dumpling.toString())
            .run(inv, term);
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(Serde.fromJson(Files.readString(term), AgentResult.class).commitTs)
        .as(out.toString(StandardCharsets.UTF_8) + Files.readAllLines(dir.resolve("argv")))
        .isEqualTo("450123456789012345");
    assertThat(BackupAgent.commitTsOfMetadata("SHOW MASTER STATUS:\n\tPos: not-a-tso\n")).isNull();
    assertThat(BackupAgent.commitTsOfMetadata("nothing here")).isNull();
  }
}
