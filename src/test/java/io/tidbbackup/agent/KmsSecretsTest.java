package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.storage.KmsSecrets;
import io.tidbbackup.storage.TestingMoto;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * useKMS against a real KMS protocol server (moto's): the password Secret holds KMS ciphertext as
 * TiDB Operator's useKMS expects ({@code KMS_ENCRYPTED_BACKUP_MANAGER_PASSWORD}); the agent
 * decrypts it and the tool gets the plaintext in its 0600 config file, never in argv or output.
 */
class KmsSecretsTest {
  static final String PASSWORD = "TiDB-kms-pa55word-EXAMPLE";
  static TestingMoto moto;
  static String ciphertext;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    moto = TestingMoto.start();
    try (KmsClient kms =
        KmsClient.builder()
            .endpointOverride(URI.create(moto.endpoint()))
            .region(Region.US_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .build()) {
      String key = kms.createKey(b -> b.description("tidb password")).keyMetadata().keyId();
      ciphertext =
          Base64.getEncoder()
              .encodeToString(
                  kms.encrypt(
                          b ->
                              b.keyId(key)
                                  .plaintext(SdkBytes.fromString(PASSWORD, StandardCharsets.UTF_8)))
                      .ciphertextBlob()
                      .asByteArray());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (moto != null) {
      moto.close();
    }
  }

  static Map<String, String> env(String encrypted) {
    Map<String, String> env = new HashMap<>();
    env.put(JobEnv.KMS_PASSWORD, encrypted);
    env.put(JobEnv.AWS_DEFAULT_REGION, "us-west-1");
    env.put(JobEnv.AWS_ACCESS_KEY_ID, "a");
    env.put(JobEnv.AWS_SECRET_ACCESS_KEY, "b");
    env.put(JobEnv.AWS_ENDPOINT_URL_KMS, moto.endpoint());
    return env;
  }

  @Test
  void theEncryptedPasswordIsDecryptedAndReachesOnlyTheToolsPrivateFile() throws Exception {
    AgentEnvironment env = AgentEnvironment.ofJob(env(ciphertext), dir);
    assertThat(env.get(JobEnv.PASSWORD)).isEqualTo(PASSWORD);
    assertThat(env.secretValues()).contains(PASSWORD, ciphertext);

    Path lightning = dir.resolve("tidb-lightning");
    Files.writeString(
        lightning,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > "
            + dir.resolve("argv")
            + "\ncp \"${1#--config=}\" "
            + dir.resolve("config-copy")
            + "\necho \"[INFO] dsn=root:$(cat ${1#--config=})\"\n");
    Files.setPosixFilePermissions(lightning, PosixFilePermissions.fromString("rwx------"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        new RestoreAgent(
                env, new PrintStream(out, true, StandardCharsets.UTF_8), lightning.toString())
            .run(
                AgentArgs.restore(
                    RestoreAgentTest.ARGS,
                    Serde.YAML.readValue(
                        """
                    useKMS: true
                    to: {host: basic-tidb.tidb, secretName: tidb-secret}
                    s3: {provider: aws, bucket: b, prefix: dumpling/backup-x, region: us-west-1}
                    """,
                        RestoreSpec.class)),
                dir.resolve("termination-log"));
    assertThat(code).isZero();
    assertThat(Files.readString(dir.resolve("config-copy"))).contains(PASSWORD);
    assertThat(Files.readAllLines(dir.resolve("argv")))
        .noneMatch(a -> a.contains(PASSWORD) || a.contains(ciphertext));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .doesNotContain(PASSWORD)
        .doesNotContain(ciphertext)
        .contains("dsn=root:");
  }

  @Test
  void whatCannotBeDecryptedIsSaidByVariableAndNothingRuns() {
    assertThatThrownBy(() -> KmsSecrets.decrypt(env("bm90IGEgY2lwaGVydGV4dA==")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KMS cannot decrypt KMS_ENCRYPTED_BACKUP_MANAGER_PASSWORD");
    assertThatThrownBy(() -> KmsSecrets.decrypt(env("%%% not base64")))
        .hasMessageContaining("is not base64 KMS ciphertext");
    Map<String, String> noRegion = env(ciphertext);
    noRegion.remove(JobEnv.AWS_DEFAULT_REGION);
    assertThatThrownBy(() -> KmsSecrets.decrypt(noRegion))
        .hasMessageContaining("useKMS needs the KMS key's region");
    // no KMS variable: nothing is asked of KMS
    Map<String, String> plain = Map.of(JobEnv.PASSWORD, "x");
    assertThat(KmsSecrets.decrypt(plain)).isSameAs(plain);
  }
}
