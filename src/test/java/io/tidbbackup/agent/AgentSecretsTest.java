package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each agent against a fake tool that prints every secret it was given in every way a tool or an
 * SDK prints one: as it is, URL-encoded, JSON-escaped, after a JSON key, after a URL-encoded {@code
 * =}, the key file's lines, the decoded PEM lines, its argv. Nothing of a secret may reach the
 * agent's output or its termination message, and no secret may be on the tool's command line where
 * another way exists.
 */
class AgentSecretsTest {
  static final String PASSWORD = "p@ss/w\"rd&x=1 tail";
  static final String SAS = "sv=2023-01-03&ss=b&sig=Zm9vYmFy%2BSIGNATURE%3D";
  static final String PEM_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
  static final String PEM_LINE_2 = "VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu";
  static final String GCS_KEY =
      """
      {
        "type": "service_account",
        "project_id": "demo",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": "-----BEGIN PRIVATE KEY-----\\n%s\\n%s\\n-----END PRIVATE KEY-----\\n",
        "client_email": "br@demo.iam.gserviceaccount.com"
      }
      """
          .formatted(PEM_LINE, PEM_LINE_2);

  @TempDir Path dir;

  /** The tokens no output may contain: every secret, and the parts of each that identify it. */
  static final List<String> LEAKS =
      List.of(
          PASSWORD,
          "p@ss",
          URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8),
          "Zm9vYmFy",
          "SIGNATURE",
          PEM_LINE,
          PEM_LINE_2,
          "0123456789abcdef0123456789abcdef01234567");

  /**
   * A fake tool: records its argv and config file, then prints every secret in every form. The
   * agent's environment is the Job's, which the tool inherits; here the test's map stands in for
   * it, so the tool reads the same values from a file.
   */
  Path tool(String name, Map<String, String> env) throws Exception {
    StringBuilder exports = new StringBuilder();
    env.forEach(
        (k, v) ->
            exports
                .append("export ")
                .append(k)
                .append("='")
                .append(v.replace("'", "'\\''"))
                .append("'\n"));
    Files.writeString(dir.resolve("secrets.sh"), exports);
    Path f = dir.resolve(name);
    Files.writeString(
        f,
        """
        #!/bin/sh
        . %1$s/secrets.sh
        printf '%%s\\n' "$@" > %1$s/argv
        for a in "$@"; do
          case "$a" in
            --config=*) cfg="${a#--config=}"; cp "$cfg" %1$s/config; stat -c %%a "$cfg" > %1$s/config-mode;;
          esac
        done
        echo "argv: $*"
        echo "[INFO] [main.go:1] [\\"password=$BACKUP_MANAGER_PASSWORD\\"]"
        echo "{\\"password\\":\\"$(printf '%%s' "$BACKUP_MANAGER_PASSWORD" | sed 's/"/\\\\"/g')\\"}"
        echo "password%%3D$(python3 -c 'import os,urllib.parse;print(urllib.parse.quote(os.environ.get("BACKUP_MANAGER_PASSWORD",""),safe=""))')"
        echo "dsn=root:$(python3 -c 'import os,urllib.parse;print(urllib.parse.quote_plus(os.environ.get("BACKUP_MANAGER_PASSWORD","")))')@tcp(h:4000)/"
        echo "GET https://acct.blob.core.windows.net/c?$AZURE_SAS_TOKEN 403"
        echo "token: $(python3 -c 'import os,urllib.parse;print(urllib.parse.unquote(os.environ.get("AZURE_SAS_TOKEN","")))')"
        echo "[ERROR] [\\"unknown sas-token=NOTKNOWNTOUS\\"] [\\"secret_access_key\\": \\"ALSONOTKNOWN\\"]"
        if [ -n "$GOOGLE_APPLICATION_CREDENTIALS" ]; then
          cat "$GOOGLE_APPLICATION_CREDENTIALS"
          python3 -c 'import json,os;print(json.load(open(os.environ["GOOGLE_APPLICATION_CREDENTIALS"]))["private_key"])'
        fi
        echo "[ERROR] [\\"failed\\"] [error=\\"access denied for $BACKUP_MANAGER_PASSWORD\\"]"
        exit 1
        """
            .formatted(dir));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    return f;
  }

  record Run(String stdout, AgentResult result, List<String> argv) {}

  Run backup(String specYaml, List<String> args, Map<String, String> env) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path term = dir.resolve("termination-log");
    BackupSpec spec = Serde.YAML.readValue(specYaml, BackupSpec.class);
    new BackupAgent(
            new AgentEnvironment(env, dir),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            tool("tool", env).toString())
        .run(AgentArgs.backup(args, spec), term);
    return result(out, term);
  }

  Run restore(String specYaml, List<String> args, Map<String, String> env) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path term = dir.resolve("termination-log");
    RestoreSpec spec = Serde.YAML.readValue(specYaml, RestoreSpec.class);
    new RestoreAgent(
            new AgentEnvironment(env, dir),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            tool("tool", env).toString())
        .run(AgentArgs.restore(args, spec), term);
    return result(out, term);
  }

  Run result(ByteArrayOutputStream out, Path term) throws Exception {
    return new Run(
        out.toString(StandardCharsets.UTF_8),
        Serde.fromJson(Files.readString(term), AgentResult.class),
        Files.readAllLines(dir.resolve("argv")));
  }

  static void assertNoLeak(Run r) {
    for (String leak : LEAKS) {
      assertThat(r.stdout()).as("stdout").doesNotContain(leak);
      assertThat(Serde.json(r.result())).as("termination message").doesNotContain(leak);
    }
    assertThat(r.stdout())
        .as("secrets no one told the agent about")
        .doesNotContain("NOTKNOWNTOUS", "ALSONOTKNOWN")
        .contains(Redactor.MASK);
    assertThat(r.result().error).contains("access denied for " + Redactor.MASK);
  }

  static final Map<String, String> ALL =
      Map.of(
          JobEnv.PASSWORD,
          PASSWORD,
          JobEnv.AZURE_SAS_TOKEN,
          SAS,
          JobEnv.AZURE_STORAGE_ACCOUNT,
          "acct",
          JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY,
          GCS_KEY);

  @Test
  void brBackupToAzure() throws Exception {
    Run r =
        backup(
            "br: {cluster: basic}\nazblob: {storageAccount: acct, container: c, prefix: p}",
            List.of(
                "--namespace=tidb", "--backupName=b1", "--tikvVersion=v8.5.0", "--mode=snapshot"),
            ALL);
    assertNoLeak(r);
  }

  @Test
  void dumplingBackupToGcs() throws Exception {
    Run r =
        backup(
            "from: {host: basic-tidb, secretName: s}\n"
                + "gcs: {projectId: demo, bucket: b, prefix: p, secretName: g}",
            List.of(
                "--namespace=tidb",
                "--backupName=d1",
                "--tikvVersion=v8.5.0",
                "--mode=snapshot",
                "--output-name=backup-2024-01-01T00:00:00Z"),
            ALL);
    assertNoLeak(r);
  }

  @Test
  void brRestoreFromGcs() throws Exception {
    Run r =
        restore(
            "br: {cluster: basic}\ngcs: {projectId: demo, bucket: b, prefix: p, secretName: g}",
            List.of(
                "--namespace=tidb", "--restoreName=r1", "--tikvVersion=v8.5.0", "--mode=snapshot"),
            ALL);
    assertNoLeak(r);
  }

  /**
   * Lightning reads the password and a SAS-bearing source URL from a 0600 config file, removed
   * after the run: neither is on its command line.
   */
  @Test
  void lightningRestoreFromAzureTakesItsSecretsFromAPrivateFile() throws Exception {
    Run r =
        restore(
            "to: {host: basic-tidb.tidb, secretName: s}\n"
                + "azblob: {storageAccount: acct, container: c, prefix: dumpling/backup-x}",
            List.of("--namespace=tidb", "--restoreName=r1", "--tikvVersion=v8.5.0"),
            ALL);
    assertNoLeak(r);
    assertThat(String.join("\n", r.argv()))
        .doesNotContain(PASSWORD, "SIGNATURE", "--tidb-password", "--d=");
    assertThat(Files.readString(dir.resolve("config-mode")).strip()).isEqualTo("600");
    assertThat(Files.readString(dir.resolve("config")))
        .isEqualTo(
            "[tidb]\npassword = \"p@ss/w\\\"rd&x=1 tail\"\n[mydumper]\ndata-source-dir = "
                + "\"azure://c/dumpling/backup-x/?account-name=acct&sas-token="
                + java.net.URLEncoder.encode(SAS, StandardCharsets.UTF_8)
                + "\"\n");
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString()).toList())
          .as("the config directory is removed after the run")
          .noneMatch(n -> n.startsWith("tool-config-"));
    }
    assertThat(r.stdout()).contains("--config=<tidb-lightning.toml: tidb.password=");
  }

  /**
   * The agent process itself: {@code Main} puts a redacting stream under System.out and System.err
   * for every agent, so even a value the agent echoes in a refusal (here a clean whose backupPath
   * carries the key) or an SDK exception comes out redacted.
   */
  @Test
  void theAgentProcessRedactsWhatItPrintsItself() throws Exception {
    String key = "AKIAsecretKEYvalue/9";
    Path manifest = dir.resolve("backup.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: b, namespace: tidb}
        spec:
          s3: {provider: aws, bucket: b, prefix: p, region: us-east-1}
        status: {backupPath: "s3://other-bucket/%s/%s"}
        """
            .formatted(key, URLEncoder.encode(key, StandardCharsets.UTF_8)));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tidbbackup.Main"));
    cmd.addAll(List.of("agent", "clean", "-f", manifest.toString(), "--dry-run"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put(JobEnv.AWS_SECRET_ACCESS_KEY, key);
    pb.environment().put(JobEnv.AWS_ACCESS_KEY_ID, "AKIDEXAMPLE");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out)
        .contains("s3://other-bucket/" + Redactor.MASK)
        .doesNotContain("AKIAsecretKEYvalue");
  }
}
