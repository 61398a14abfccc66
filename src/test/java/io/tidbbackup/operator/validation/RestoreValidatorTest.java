package io.tidbbackup.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import org.junit.jupiter.api.Test;

/**
 * Every message names the field the user has to fix, including a restoreMode that does not fit the
 * spec.
 */
class RestoreValidatorTest {
  static final String S3 = "s3: {provider: aws, bucket: b, prefix: p, secretName: s}\n";

  static String first(String yaml, String version) throws Exception {
    return RestoreValidator.validate(Serde.YAML.readValue(yaml, RestoreSpec.class), version)
        .orElse(null);
  }

  @Test
  void validSpecsPass() throws Exception {
    assertThat(first("br: {cluster: c}\n" + S3, "v8.5.0")).isNull();
    assertThat(
            first(
                "restoreMode: pitr\nlogRestoreStartTs: '443123456789'\nbr: {cluster: c}\n" + S3,
                "v8.5.0"))
        .isNull();
    assertThat(
            first(
                "restoreMode: pitr\nbr: {cluster: c}\n"
                    + S3
                    + "pitrFullBackupStorageProvider: {s3: {provider: aws, bucket: b, prefix: full}}\n",
                "v8.5.0"))
        .isNull();
    assertThat(first("to: {host: h, secretName: s}\n" + S3, "v8.5.0")).isNull();
    assertThat(first("prune: afterFailed\nbr: {cluster: c}\n" + S3, "v8.5.5")).isNull();
    assertThat(
            first(
                "prune: afterFailed\ntoolImage: pingcap/br:v8.5.5\nbr: {cluster: c}\n" + S3,
                "v8.1.0"))
        .isNull();
  }

  /** A prune needs `br abort restore`, which BR has since v8.5.5: else Invalid, not a no-op. */
  @Test
  void pruneOnABrWithoutAbortIsInvalidNamingTheRelease() throws Exception {
    assertThat(first("prune: afterFailed\nbr: {cluster: c}\n" + S3, "v8.5.0"))
        .isEqualTo(
            "spec.prune: BR v8.5.0 has no `br abort restore full` to prune with (it would print"
                + " its usage and exit 0, pruning nothing); use spec.toolImage of BR v8.5.5 or"
                + " later, or remove spec.prune");
    assertThat(
            first(
                "restoreMode: pitr\nlogRestoreStartTs: '443123456789'\nprune: afterFailed\ntoolImage: pingcap/br:v7.5.0\n"
                    + "br: {cluster: c}\n"
                    + S3,
                "v8.5.5"))
        .startsWith("spec.prune: BR v7.5.0 has no `br abort restore point`");
  }

  @Test
  void storageAndToolMessagesNameTheField() throws Exception {
    assertThat(first("br: {cluster: c}\n", null)).startsWith("spec: set one storage provider");
    assertThat(first("br: {}\n" + S3, null)).isEqualTo("spec.br.cluster is required");
    assertThat(first("backupType: db\nbr: {cluster: c}\n" + S3, null))
        .startsWith("spec.br.db is required");
    assertThat(first(S3, null)).startsWith("spec.to is required for a TiDB Lightning restore");
    assertThat(first("to: {host: h}\n" + S3, null)).startsWith("spec.to.secretName is required");
    assertThat(
            first(
                "to: {host: h, secretName: s}\nstorageSize: 20G1\n"
                    + "s3: {provider: aws, bucket: b, path: b/dump/backup.tgz}\n",
                null))
        .startsWith("spec.storageSize \"20G1\" is not a quantity like 20Gi");
    // an archive named by the prefix is one too, for the Job builder and the agent alike
    assertThat(
            Serde.YAML
                .readValue(
                    "to: {host: h, secretName: s}\ns3: {provider: aws, bucket: b, prefix: dump/x.tar.gz}\n",
                    io.tidbbackup.api.RestoreSpec.class)
                .lightningFromArchive())
        .isTrue();
    // TiDB Operator's own Dumpling backups are one .tgz: restored (unpacked first), not refused
    assertThat(
            RestoreValidator.problems(
                Serde.YAML.readValue(
                    "to: {host: h, secretName: s}\ns3: {provider: aws, path: s3://b/dump/backup.tgz}\n",
                    io.tidbbackup.api.RestoreSpec.class),
                null))
        .isEmpty();
    assertThat(first("backoffLimit: -1\nbr: {cluster: c}\n" + S3, null))
        .isEqualTo("spec.backoffLimit must not be negative");
    assertThat(first("useKMS: true\nbr: {cluster: c}\n" + S3, null))
        .isNull(); // served as TiDB Operator: the agent decrypts the password (KmsSecrets)
  }

  @Test
  void restoreModeMustFitTheSpec() throws Exception {
    assertThat(first("restoreMode: pitr\nbr: {cluster: c}\n" + S3, null))
        .isEqualTo(
            "spec: a pitr restore needs exactly one of pitrFullBackupStorageProvider and logRestoreStartTs");
    assertThat(
            first(
                "restoreMode: pitr\nlogRestoreStartTs: '1'\nbr: {cluster: c}\n"
                    + S3
                    + "pitrFullBackupStorageProvider: {s3: {provider: aws, bucket: b}}\n",
                null))
        .startsWith("spec: a pitr restore needs exactly one");
    assertThat(
            first(
                "restoreMode: pitr\nlogRestoreStartTs: '1'\nto: {host: h, secretName: s}\n" + S3,
                null))
        .startsWith("spec.restoreMode pitr needs spec.br");
    assertThat(
            first("restoreMode: pitr\nlogRestoreStartTs: '1'\nbr: {cluster: c}\n" + S3, "v6.1.0"))
        .startsWith("spec.restoreMode pitr needs TiKV v6.2.0 or later");
    assertThat(first("pitrRestoredTs: '1'\nbr: {cluster: c}\n" + S3, null))
        .isEqualTo("spec.pitrRestoredTs is only for restoreMode pitr (restoreMode is snapshot)");
    assertThat(first("logRestoreStartTs: '1'\nbr: {cluster: c}\n" + S3, null))
        .startsWith("spec.logRestoreStartTs is only for restoreMode pitr");
    assertThat(
            first(
                "restoreMode: pitr\npitrRestoredTs: tomorrow\nlogRestoreStartTs: '1'\nbr: {cluster: c}\n"
                    + S3,
                null))
        .startsWith("spec.pitrRestoredTs \"tomorrow\" is neither a TSO nor a datetime");
    assertThat(first("prune: afterFailed\nto: {host: h, secretName: s}\n" + S3, null))
        .startsWith("spec.prune needs spec.br");
  }

  @Test
  void theFullBackupIsReadWithTheLogBackupsCredentials() throws Exception {
    assertThat(
            first(
                "restoreMode: pitr\nbr: {cluster: c}\n"
                    + S3
                    + "pitrFullBackupStorageProvider: {gcs: {projectId: p, bucket: b}}\n",
                null))
        .startsWith(
            "spec.pitrFullBackupStorageProvider.gcs: the full backup must be on s3 like the log backup");
    assertThat(
            first(
                "restoreMode: pitr\nbr: {cluster: c}\n"
                    + S3
                    + "pitrFullBackupStorageProvider: {s3: {provider: aws, bucket: b, secretName: other}}\n",
                null))
        .startsWith(
            "spec.pitrFullBackupStorageProvider.s3 has credentials of its own (secretName other)");
    assertThat(
            first(
                "restoreMode: pitr\nbr: {cluster: c}\n"
                    + S3
                    + "pitrFullBackupStorageProvider: {s3: {bucket: b}}\n",
                null))
        .isEqualTo("spec.pitrFullBackupStorageProvider.s3.provider is required");
  }
}
