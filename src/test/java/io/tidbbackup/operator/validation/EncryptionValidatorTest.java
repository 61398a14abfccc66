package io.tidbbackup.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import org.junit.jupiter.api.Test;

/**
 * spec.encryption is Invalid, before any Job, wherever BR would not read it or could not: each
 * message names the field, and the release where the release decides.
 */
class EncryptionValidatorTest {
  static final String S3 = "s3: {provider: aws, bucket: b, prefix: p, secretName: s}\n";
  static final String KEY = "{method: aes256-ctr, secretKeyRef: {name: keys, key: k}}";

  static String backup(String yaml, String version) throws Exception {
    return BackupValidator.validate(Serde.YAML.readValue(yaml + S3, BackupSpec.class), version)
        .orElse(null);
  }

  static String restore(String yaml, String version) throws Exception {
    return RestoreValidator.validate(Serde.YAML.readValue(yaml + S3, RestoreSpec.class), version)
        .orElse(null);
  }

  static final String LOG = "backupMode: log\nlogSubcommand: log-start\nbr: {cluster: c}\n";
  static final String PITR_STORAGE =
      "restoreMode: pitr\n"
          + "pitrFullBackupStorageProvider: {s3: {provider: aws, bucket: b, prefix: full}}\n";
  static final String PITR = PITR_STORAGE + "br: {cluster: c}\n";

  @Test
  void eachPartWhereBrReadsItPasses() throws Exception {
    assertThat(backup("br: {cluster: c}\nencryption: {snapshot: " + KEY + "}\n", "v6.5.0"))
        .isNull();
    assertThat(backup(LOG + "encryption: {log: " + KEY + "}\n", "v8.5.0")).isNull();
    assertThat(backup(LOG + "encryption: {masterKey: " + KEY + "}\n", "v8.5.0")).isNull();
    assertThat(restore("br: {cluster: c}\nencryption: {snapshot: " + KEY + "}\n", "v7.5.0"))
        .isNull();
    assertThat(restore(PITR + "encryption: {snapshot: " + KEY + ", log: " + KEY + "}\n", "v8.5.0"))
        .isNull();
    // the release unknown yet (no cluster read): checked again when the Job is about to be made
    assertThat(backup(LOG + "encryption: {log: " + KEY + "}\n", null)).isNull();
    // nightly is the newest line
    assertThat(backup(LOG + "encryption: {log: " + KEY + "}\n", "nightly")).isNull();
  }

  /** --log.crypter.* and --master-key* came with BR v8.5 (v8.4 DMR); v8.1 has neither. */
  @Test
  void aReleaseWithoutTheFlagsIsInvalidNamingFieldAndRelease() throws Exception {
    assertThat(backup(LOG + "encryption: {log: " + KEY + "}\n", "v8.1.0"))
        .isEqualTo(
            "spec.encryption.log: BR v8.1.0 (the Job's br log start) has no --log.crypter.method"
                + " and --log.crypter.key-file (BR v8.5 and later have them); use spec.toolImage"
                + " of such a BR, or remove spec.encryption.log");
    // the image's tag decides over the cluster's version, both ways
    assertThat(
            backup(
                LOG + "toolImage: pingcap/br:v7.5.2\nencryption: {masterKey: " + KEY + "}\n",
                "v8.5.0"))
        .startsWith("spec.encryption.masterKey: BR v7.5.2 (the Job's br log start) has no")
        .contains("--master-key-crypter-method and --master-key");
    assertThat(
            backup(
                LOG + "toolImage: pingcap/br:v8.5.1\nencryption: {log: " + KEY + "}\n", "v8.1.0"))
        .isNull();
    assertThat(restore(PITR + "encryption: {log: " + KEY + "}\n", "v8.1.2"))
        .startsWith("spec.encryption.log: BR v8.1.2 (the Job's br restore point) has no");
  }

  @Test
  void aPartWhereNothingReadsItIsInvalid() throws Exception {
    assertThat(backup("br: {cluster: c}\nencryption: {log: " + KEY + "}\n", "v8.5.0"))
        .isEqualTo(
            "spec.encryption.log is only for log backups (backupMode: log); use"
                + " spec.encryption.snapshot for snapshot data");
    assertThat(backup(LOG + "encryption: {snapshot: " + KEY + "}\n", "v8.5.0"))
        .startsWith("spec.encryption.snapshot is for snapshot backups; a log backup's data");
    assertThat(restore("br: {cluster: c}\nencryption: {masterKey: " + KEY + "}\n", "v8.5.0"))
        .startsWith("spec.encryption.masterKey is only for pitr restores (restoreMode: pitr)");
    assertThat(
            backup(
                "from: {host: h, secretName: s}\nencryption: {snapshot: " + KEY + "}\n", "v8.5.0"))
        .startsWith("spec.encryption is for BR backups: Dumpling");
    assertThat(restore("to: {host: h, secretName: s}\nencryption: {snapshot: " + KEY + "}\n", null))
        .startsWith("spec.encryption is for BR restores: TiDB Lightning");
  }

  @Test
  void bothLogPartsOrAnIncompletePartIsInvalid() throws Exception {
    assertThat(backup(LOG + "encryption: {log: " + KEY + ", masterKey: " + KEY + "}\n", null))
        .startsWith("spec.encryption: set at most one of log and masterKey");
    assertThat(
            backup("br: {cluster: c}\nencryption: {snapshot: {secretKeyRef: {name: k}}}\n", null))
        .isEqualTo(
            "spec.encryption.snapshot.method is required: aes128-ctr, aes192-ctr or aes256-ctr");
    assertThat(
            backup(
                "br: {cluster: c}\nencryption: {snapshot: {method: aes128-ctr, secretKeyRef: {name: k}}}\n",
                null))
        .isEqualTo(
            "spec.encryption.snapshot.secretKeyRef.key \"\" is not a Secret key (letters, digits,"
                + " '-', '_' and '.')");
    assertThat(
            backup(
                "br: {cluster: c}\nencryption: {snapshot: {method: aes128-ctr, secretKeyRef: {name: Keys, key: k}}}\n",
                null))
        .startsWith("spec.encryption.snapshot.secretKeyRef.name \"Keys\" is not a Secret name");
    assertThat(backup("br: {cluster: c}\nencryption: {snapshot: {method: aes128-ctr}}\n", null))
        .startsWith("spec.encryption.snapshot.secretKeyRef is required");
    // an empty block asks for nothing
    assertThat(backup("br: {cluster: c}\nencryption: {}\n", "v6.5.0")).isNull();
  }

  /** The key file is 0400, root's: readable by uid 0 or the pod's fsGroup (the default has one). */
  @Test
  void aPodThatCouldNotReadTheKeyFileIsInvalid() throws Exception {
    String enc = "encryption: {snapshot: " + KEY + "}\n";
    assertThat(backup("br: {cluster: c}\npodSecurityContext: {runAsUser: 1000}\n" + enc, null))
        .isEqualTo(
            "spec.podSecurityContext has no fsGroup: the key files of spec.encryption are mode"
                + " 0400, read by their owner (root) and the pod's fsGroup only, so BR running as"
                + " uid 1000 could not read them; set spec.podSecurityContext.fsGroup");
    assertThat(restore("br: {cluster: c}\npodSecurityContext: {runAsNonRoot: true}\n" + enc, null))
        .startsWith("spec.podSecurityContext has no fsGroup")
        .contains("uid of the image");
    assertThat(
            backup(
                "br: {cluster: c}\npodSecurityContext: {runAsUser: 1000, fsGroup: 2000}\n" + enc,
                null))
        .isNull();
    assertThat(backup("br: {cluster: c}\npodSecurityContext: {runAsUser: 0}\n" + enc, null))
        .isNull();
    assertThat(backup("br: {cluster: c}\npodSecurityContext: {runAsUser: 1000}\n", null)).isNull();
  }

  /** A key in br.options beside the field would be in the command line: refused, naming both. */
  @Test
  void brOptionsWithAnEncryptionFlagBesideTheFieldAreInvalid() throws Exception {
    for (String option :
        new String[] {
          "--crypter.key=0123456789abcdef0123456789abcdef",
          "--crypter.method=aes128-ctr",
          "--log.crypter.key-file=/keys/log",
          "--master-key=local:///keys/master",
          "--master-key-crypter-method aes256-ctr",
          "-crypter.key-file=/k"
        }) {
      String opt = option.replace("\"", "\\\"");
      assertThat(
              backup(
                  "br: {cluster: c, options: [\"--ratelimit=1\", \""
                      + opt
                      + "\"]}\nencryption: {snapshot: "
                      + KEY
                      + "}\n",
                  "v8.5.0"))
          .as(option)
          .startsWith("spec.br.options sets --" + option.replaceFirst("^-+", "").split("[= ]")[0])
          .contains("and spec.encryption is set");
    }
    assertThat(
            restore(
                PITR
                    + "br: {cluster: c, options: [\"--crypter.key=00\"]}\nencryption: {log: "
                    + KEY
                    + "}\n",
                "v8.5.0"))
        .startsWith("spec.br.options sets --crypter.key and spec.encryption is set");
    // without the field, br.options are the user's (TiDB Operator's way), and other flags pass
    assertThat(backup("br: {cluster: c, options: [\"--crypter.method=aes128-ctr\"]}\n", "v8.5.0"))
        .isNull();
    assertThat(
            backup(
                "br: {cluster: c, options: [\"--crypter-x=1\"]}\nencryption: {snapshot: "
                    + KEY
                    + "}\n",
                "v8.5.0"))
        .isNull();
  }
}
