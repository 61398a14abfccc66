package io.tidbbackup.operator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import io.tidbbackup.storage.CleanSettings;
import io.tidbbackup.storage.GcsStore;
import io.tidbbackup.storage.S3Store;
import io.tidbbackup.storage.StoreOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A clean in the operator's own process acts only with the tenant's static keys: the known keys of
 * the Backup's Secret, never the operator's identity, never a key that reads the operator's files.
 */
class InProcessCredentialsTest {

  static BackupSpec spec(String yaml) throws Exception {
    return Serde.YAML.readValue(yaml, BackupSpec.class);
  }

  static Secret secret(Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("creds")
        .endMetadata()
        .withStringData(data)
        .build();
  }

  static final String S3 = "s3: {provider: aws, bucket: b, prefix: p, secretName: creds}";

  @Test
  void s3TakesTheTwoKnownKeysAndNothingElse() throws Exception {
    var r =
        InProcessCredentials.of(
            spec(S3),
            secret(
                Map.of(
                    "access_key", "AKID",
                    "secret_key", "SECRET",
                    "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/operator/token",
                    "AWS_PROFILE", "operator",
                    "GCS_ENDPOINT", "http://elsewhere")));
    assertThat(r.refusal()).isNull();
    assertThat(r.env())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(JobEnv.AWS_ACCESS_KEY_ID, "AKID", JobEnv.AWS_SECRET_ACCESS_KEY, "SECRET"));
  }

  @Test
  void anS3SecretWithoutKeysIsRefusedNeverFilledWithTheOperatorsIdentity() throws Exception {
    var r =
        InProcessCredentials.of(
            spec(S3), secret(Map.of("AWS_ROLE_ARN", "arn:aws:iam::1:role/operator")));
    assertThat(r.env()).isNull();
    assertThat(r.refusal()).contains("creds", "access_key and secret_key", "never uses its own");
    assertThat(InProcessCredentials.of(spec(S3), null).refusal())
        .contains("no readable credentials Secret (spec.s3.secretName)");
  }

  @Test
  void aGcsKeyMustBeTheTenantsOwnNeverOneThatReadsTheOperatorsEnvironment() throws Exception {
    BackupSpec gcs = spec("gcs: {projectId: p, bucket: b, prefix: x, secretName: creds}");
    String external =
        """
        {"type": "external_account", "audience": "//iam.googleapis.com/x",
         "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
         "token_url": "https://sts.googleapis.com/v1/token",
         "credential_source": {"file": "/var/run/secrets/kubernetes.io/serviceaccount/token"}}
        """;
    var r = InProcessCredentials.of(gcs, secret(Map.of("credentials", external)));
    assertThat(r.env()).isNull();
    assertThat(r.refusal()).contains("\"external_account\"", "service_account");
    assertThat(InProcessCredentials.of(gcs, secret(Map.of("credentials", "not json"))).refusal())
        .contains("not a JSON key file");
    var ok =
        InProcessCredentials.of(
            gcs, secret(Map.of("credentials", "{\"type\": \"service_account\"}", "other", "x")));
    assertThat(ok.env()).containsOnlyKeys(JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY);
  }

  @Test
  void azureTakesASharedKeyAnAppSecretOrTheInlineSasToken() throws Exception {
    BackupSpec az = spec("azblob: {container: c, prefix: p, secretName: creds}");
    assertThat(
            InProcessCredentials.of(
                    az,
                    secret(
                        Map.of(
                            "AZURE_STORAGE_ACCOUNT", "acct",
                            "AZURE_STORAGE_KEY", "k",
                            "AZURE_STORAGE_ENDPOINT", "http://elsewhere")))
                .env())
        .containsOnlyKeys(JobEnv.AZURE_STORAGE_ACCOUNT, JobEnv.AZURE_STORAGE_KEY);
    assertThat(
            InProcessCredentials.of(
                    az, secret(Map.of("AZURE_CLIENT_ID", "id", "AZURE_TENANT_ID", "t")))
                .refusal())
        .contains("AZURE_CLIENT_SECRET");
    assertThat(
            InProcessCredentials.of(
                    spec("azblob: {container: c, storageAccount: a, sasToken: 'sv=1&sig=x'}"), null)
                .env())
        .containsEntry(JobEnv.AZURE_SAS_TOKEN, "sv=1&sig=x");
    assertThat(
            InProcessCredentials.of(spec("local: {prefix: p, volume: {name: v}}"), null).refusal())
        .contains("local volume");
  }

  /** The stores themselves refuse to fall back when asked for static keys only. */
  @Test
  void storesWithoutStaticKeysRefuseTheProcessIdentity() throws Exception {
    StoreOptions staticOnly = new StoreOptions(Map.of(), 4).staticCredentialsOnly();
    assertThatThrownBy(() -> S3Store.open(spec(S3).s3, staticOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("may not use the identity of the process");
    assertThatThrownBy(
            () ->
                GcsStore.open(
                    spec("gcs: {projectId: p, bucket: b, secretName: creds}").gcs, staticOnly))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("may not use the identity of the process");
  }

  @Test
  void tenantTuningIsCappedInTheOperatorsProcess() {
    CleanOption o = new CleanOption();
    o.pageSize = 100_000L;
    o.batchConcurrency = 100;
    o.routineConcurrency = 1000;
    CleanSettings s = CleanSettings.of(o).inOperatorProcess();
    assertThat(s.pageSize()).isEqualTo(CleanSettings.OPERATOR_MAX_PAGE_SIZE);
    assertThat(s.batchConcurrency()).isEqualTo(CleanSettings.OPERATOR_MAX_BATCH_CONCURRENCY);
    assertThat(s.routineConcurrency()).isEqualTo(CleanSettings.OPERATOR_MAX_ROUTINE_CONCURRENCY);
    assertThat(CleanSettings.of(new CleanOption()).inOperatorProcess())
        .isEqualTo(CleanSettings.of(new CleanOption()));
  }
}
