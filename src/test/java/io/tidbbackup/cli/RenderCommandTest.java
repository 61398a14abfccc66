package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * A typo never renders silently: the unknown field is named, with the field it may have meant.
   */
  @Test
  void anUnknownFieldIsRefusedWithTheFieldItMayHaveMeant() throws Exception {
    Out o = render(GOOD.replace("spec:\n", "spec:\n  cleanpolicy: Delete\n"));
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.err())
        .contains(
            "(Backup good) is invalid: spec.cleanpolicy: unknown field (did you mean \"cleanPolicy\"?)");
    assertThat(o.out()).isEmpty();
    Out prefix = render(GOOD.replace("prefix: p", "prefx: p"));
    assertThat(prefix.code()).isEqualTo(1);
    assertThat(prefix.err()).contains("spec.s3.prefx: unknown field (did you mean \"prefix\"?)");
  }

  @Test
  void anotherKindABadValueAWrongTypeAndAYamlErrorEachExitOneWithoutAStackTrace() throws Exception {
    Out kind = render(GOOD.replace("kind: Backup", "kind: Backp"));
    assertThat(kind.code()).isEqualTo(1);
    assertThat(kind.err()).contains("kind \"Backp\"", "is not one this operator serves");

    Out value = render(GOOD.replace("spec:\n", "spec:\n  cleanPolicy: delete\n"));
    assertThat(value.code()).isEqualTo(1);
    assertThat(value.err())
        .contains("spec.cleanPolicy: Unsupported value: \"delete\": supported values: \"Delete\",");

    Out type = render(GOOD.replace("spec:\n", "spec:\n  cleanOption: {pageSize: lots}\n"));
    assertThat(type.code()).isEqualTo(1);
    assertThat(type.err()).contains("spec.cleanOption.pageSize: ").doesNotContain("\tat ");

    Out yaml = render(GOOD + "  s3: [unclosed\n");
    assertThat(yaml.code()).isEqualTo(1);
    assertThat(yaml.err()).contains("in.yaml:", "not YAML").doesNotContain("\tat ");
    for (Out o : List.of(kind, value, type, yaml)) {
      assertThat(o.err().lines().count()).as(o.err()).isLessThanOrEqualTo(2);
    }
  }

  /**
   * What the API server refuses by the CRD's own bounds, render refuses too, in its words and at
   * any depth: a minimum, an enum, a maxLength.
   */
  @Test
  void theCrdsBoundsApplyAsTheApiServerAppliesThem() throws Exception {
    Out page = render(GOOD.replace("spec:\n", "spec:\n  cleanOption: {pageSize: -5}\n"));
    assertThat(page.code()).isEqualTo(1);
    assertThat(page.err())
        .contains(
            "(Backup good) is invalid: spec.cleanOption.pageSize: Invalid value: -5:"
                + " spec.cleanOption.pageSize in body should be greater than or equal to 0");
    assertThat(page.out()).isEmpty();
    Out big = render(GOOD.replace("spec:\n", "spec:\n  cleanOption: {pageSize: 100001}\n"));
    assertThat(big.err()).contains("should be less than or equal to 100000");
    Out mode = render(GOOD.replace("spec:\n", "spec:\n  backupMode: incremental\n"));
    assertThat(mode.err())
        .contains("spec.backupMode: Unsupported value: \"incremental\": supported values:");
    assertThat(render(GOOD).code()).isZero();
  }

  /**
   * A BackupSchedule renders the Backup it would create at its next firing, listed with two more.
   */
  @Test
  void aScheduleRendersTheBackupOfItsNextFiring() throws Exception {
    Out o =
        render(
            """
            apiVersion: pingcap.com/v1alpha1
            kind: BackupSchedule
            metadata: {name: nightly}
            spec:
              schedule: "0 2 * * *"
              backupTemplate:
                br: {cluster: basic}
                s3: {provider: aws, bucket: b, prefix: nightly}
            """);
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.err()).contains("BackupSchedule nightly: next firings ", "T02:00Z");
    // the child's prefix under the template's, as TiDB Operator names it (<pd address>-<time>)
    assertThat(o.out())
        .contains("name: backup-nightly-", "\\\"prefix\\\":\\\"nightly/basic-pd.default-2379-");
    Out bad =
        render(
            o.out().isEmpty()
                ? ""
                : "apiVersion: pingcap.com/v1alpha1\nkind: BackupSchedule\nmetadata: {name: x}\nspec: {schedule: \"61 * * * *\", backupTemplate: {br: {cluster: c}, s3: {provider: aws, bucket: b}}}\n");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("(BackupSchedule x) is invalid:");
  }

  /**
   * render shows spec.encryption as the operator would run it: a schedule's child inherits it, its
   * Job mounts the key and BR gets the file; a release without log encryption is refused.
   */
  @Test
  void encryptionRendersAsTheKeyFileAndARefusalByRelease() throws Exception {
    String schedule =
        """
        apiVersion: pingcap.com/v1alpha1
        kind: BackupSchedule
        metadata: {name: enc}
        spec:
          schedule: "0 2 * * *"
          backupTemplate:
            br: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: nightly}
            encryption:
              snapshot: {method: aes128-ctr, secretKeyRef: {name: keys, key: snap}}
        """;
    Out job = render(schedule);
    assertThat(job.code()).as(job.err()).isZero();
    assertThat(job.out())
        .contains("name: encryption-snapshot", "secretName: keys", "key: snap", "defaultMode: 256")
        .contains("mountPath: /var/lib/br-encryption/snapshot");
    Out line = render(schedule, "--command");
    assertThat(line.out())
        .contains(
            " --crypter.method=aes128-ctr --crypter.key-file=/var/lib/br-encryption/snapshot/key");
    String log =
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: lb}
        spec:
          backupMode: log
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: log}
          encryption:
            masterKey: {method: aes256-ctr, secretKeyRef: {name: keys, key: master}}
        """;
    assertThat(render(log, "--command", "--tikv-version", "v8.5.0").out())
        .contains(
            " --master-key-crypter-method=aes256-ctr"
                + " --master-key=local:///var/lib/br-encryption/master-key/key");
    Out old = render(log, "--tikv-version", "v8.1.1");
    assertThat(old.code()).isEqualTo(1);
    assertThat(old.err())
        .contains(
            "Backup lb is invalid: spec.encryption.masterKey: BR v8.1.1 (the Job's br log start)"
                + " has no --master-key-crypter-method and --master-key");
  }

  @Test
  void readsStandardInputWithADash() throws Exception {
    var in = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(GOOD.getBytes(StandardCharsets.UTF_8)));
      RenderCommand cmd = new RenderCommand();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
      assertThat(new CommandLine(cmd).execute("-f", "-")).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("name: backup-good");
    } finally {
      System.setIn(in);
    }
  }
}
