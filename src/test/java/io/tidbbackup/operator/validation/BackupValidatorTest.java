package io.tidbbackup.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.Serde;
import org.junit.jupiter.api.Test;

/** Every message names the field the user has to fix. */
class BackupValidatorTest {
  static String first(String yaml, String version) throws Exception {
    return BackupValidator.validate(Serde.YAML.readValue(yaml, BackupSpec.class), version)
        .orElse(null);
  }

  @Test
  void validSpecsPass() throws Exception {
    assertThat(first("br: {cluster: c}\ns3: {provider: aws, bucket: b}\n", "v8.5.0")).isNull();
    assertThat(first("from: {host: h, secretName: s}\ngcs: {projectId: p, bucket: b}\n", "v8.5.0"))
        .isNull();
  }

  @Test
  void messagesNameTheField() throws Exception {
    assertThat(first("br: {cluster: c}\n", null)).startsWith("spec: set one storage provider");
    assertThat(first("br: {cluster: c}\ns3: {provider: aws}\n", null))
        .isEqualTo("spec.s3.bucket is required");
    assertThat(
            first(
                "br: {cluster: c}\ns3: {provider: aws, bucket: b, endpoint: 'minio:9000'}\n", null))
        .startsWith("spec.s3.endpoint \"minio:9000\" must be a URL");
    assertThat(first("br: {cluster: c}\ngcs: {bucket: b}\n", null))
        .isEqualTo("spec.gcs.projectId is required");
    assertThat(first("br: {cluster: c}\nazblob: {container: c}\n", null))
        .isEqualTo("spec.azblob: set secretName, or both storageAccount and sasToken");
    assertThat(
            first(
                "br: {cluster: c}\nlocal: {volume: {name: a}, volumeMount: {name: b, mountPath: /x}}\n",
                null))
        .startsWith("spec.local.volumeMount.name \"b\" must equal spec.local.volume.name");
    assertThat(first("br: {}\ns3: {provider: aws, bucket: b}\n", null))
        .isEqualTo("spec.br.cluster is required");
    assertThat(
            first(
                "backupType: table\nbr: {cluster: c, db: d}\ns3: {provider: aws, bucket: b}\n",
                null))
        .startsWith("spec.br.table is required");
    assertThat(first("backupType: raw\nbr: {cluster: c}\ns3: {provider: aws, bucket: b}\n", null))
        .startsWith("spec.backupType raw is not supported");
    assertThat(first("s3: {provider: aws, bucket: b}\n", null)).startsWith("spec.from is required");
    assertThat(
            first("backupMode: log\nbr: {cluster: c}\ns3: {provider: aws, bucket: b}\n", "v5.4.0"))
        .startsWith("spec.backupMode log needs TiKV v6.1.0");
    assertThat(
            first(
                "backupMode: log\nlogSubcommand: log-truncate\nbr: {cluster: c}\ns3: {provider: aws, bucket: b}\n",
                null))
        .startsWith("spec.logTruncateUntil is required");
    assertThat(first("commitTs: soon\nbr: {cluster: c}\ns3: {provider: aws, bucket: b}\n", null))
        .startsWith("spec.commitTs \"soon\"");
    assertThat(
            first(
                "backoffRetryPolicy: {minRetryDuration: 5min}\nbr: {cluster: c}\ns3: {provider: aws, bucket: b}\n",
                null))
        .startsWith("spec.backoffRetryPolicy.minRetryDuration \"5min\"");
    assertThat(first("useKMS: true\nbr: {cluster: c}\ns3: {provider: aws, bucket: b}\n", null))
        .isNull(); // served as TiDB Operator: the agent decrypts the password (KmsSecrets)
  }

  @Test
  void unparseableVersionsPassLikeUpstream() throws Exception {
    assertThat(
            first("backupMode: log\nbr: {cluster: c}\ns3: {provider: aws, bucket: b}\n", "nightly"))
        .isNull();
  }
}
