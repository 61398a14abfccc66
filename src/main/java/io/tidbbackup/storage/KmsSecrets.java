package io.tidbbackup.storage;

import io.tidbbackup.api.JobEnv;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@code useKMS}: every {@code KMS_ENCRYPTED_<NAME>} variable holds AWS KMS ciphertext (base64), as
 * in TiDB Operator, whose image decrypts it with shush before its backup manager starts; the agent
 * decrypts it itself with KMS {@code Decrypt} into {@code <NAME>}, in memory only. The key's region
 * is {@code AWS_DEFAULT_REGION} (s3.region) or {@code AWS_REGION}; credentials are the Job's own
 * (static keys, else IRSA and the default chain); {@code AWS_ENDPOINT_URL_KMS} points at another
 * endpoint.
 */
public final class KmsSecrets {
  private KmsSecrets() {}

  /** {@code env} with every KMS-encrypted variable decrypted; unchanged when there is none. */
  public static Map<String, String> decrypt(Map<String, String> env) {
    Map<String, String> out = null;
    KmsClient kms = null;
    try {
      for (Map.Entry<String, String> e : env.entrySet()) {
        if (!e.getKey().startsWith(JobEnv.KMS_ENCRYPTED_PREFIX)
            || e.getValue() == null
            || e.getValue().isBlank()) {
          continue;
        }
        String name = e.getKey().substring(JobEnv.KMS_ENCRYPTED_PREFIX.length());
        if (kms == null) {
          kms = client(env);
          out = new HashMap<>(env);
        }
        byte[] blob;
        try {
          blob = Base64.getDecoder().decode(e.getValue().trim());
        } catch (IllegalArgumentException notBase64) {
          throw new IllegalArgumentException(
              e.getKey()
                  + " is not base64 KMS ciphertext (useKMS: the Secret holds the encrypted password)");
        }
        try {
          SdkBytes plain =
              kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(blob))).plaintext();
          out.put(name, plain.asString(StandardCharsets.UTF_8));
        } catch (SdkException failed) {
          throw new IllegalArgumentException(
              "useKMS: KMS cannot decrypt " + e.getKey() + ": " + failed.getMessage());
        }
      }
    } finally {
      if (kms != null) {
        kms.close();
      }
    }
    return out == null ? env : out;
  }

  static KmsClient client(Map<String, String> env) {
    String region = env.get(JobEnv.AWS_DEFAULT_REGION);
    if (region == null || region.isEmpty()) {
      region = env.get("AWS_REGION");
    }
    if (region == null || region.isEmpty()) {
      throw new IllegalArgumentException(
          "useKMS needs the KMS key's region: set spec.s3.region, or AWS_REGION in spec.env");
    }
    var b =
        KmsClient.builder()
            .region(Region.of(region))
            .httpClientBuilder(Apache5HttpClient.builder())
            .credentialsProvider(S3Store.credentials(new StoreOptions(env, 2)));
    String endpoint = env.get(JobEnv.AWS_ENDPOINT_URL_KMS);
    if (endpoint != null && !endpoint.isEmpty()) {
      b.endpointOverride(URI.create(endpoint));
    }
    return b.build();
  }
}
