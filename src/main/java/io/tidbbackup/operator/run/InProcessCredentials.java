package io.tidbbackup.operator.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The credentials with which the operator may clean a Backup's data in its own process: static keys
 * of the tenant, from the Backup's own Secret (or its inline SAS token), and nothing else.
 *
 * <p>A Job runs with the tenant's service account, so there an empty Secret means "use the pod's
 * identity" (IRSA, workload identity). In the operator's process the same fallback would act with
 * the operator's identity on a bucket, prefix and endpoint the tenant chose, so it is refused: only
 * the credential keys TiDB Operator defines are taken (never a variable such as {@code
 * AWS_WEB_IDENTITY_TOKEN_FILE}, {@code GOOGLE_APPLICATION_CREDENTIALS} or an endpoint override),
 * and a GCS key must be a service account's or a user's own key, never an {@code external_account}
 * file that would read a token from the operator's file system or metadata server.
 */
public final class InProcessCredentials {
  private InProcessCredentials() {}

  /** The env for the clean, or why the operator will not clean with what it was given. */
  public record Result(Map<String, String> env, String refusal) {
    static Result of(Map<String, String> env) {
      return new Result(Map.copyOf(env), null);
    }

    static Result refuse(String why) {
      return new Result(null, why);
    }
  }

  static final Set<String> GCS_KEY_TYPES = Set.of("service_account", "authorized_user");

  /**
   * @param spec the Backup's spec
   * @param secret its credentials Secret, or null when it has none or it could not be read
   */
  public static Result of(BackupSpec spec, Secret secret) {
    Map<String, String> data = data(secret);
    Map<String, String> env = new HashMap<>();
    if (spec.s3 != null) {
      String id = data.get(JobEnv.S3_ACCESS_KEY);
      String key = data.get(JobEnv.S3_SECRET_KEY);
      if (id == null || key == null) {
        return Result.refuse(
            missing(secret, "spec.s3.secretName", "keys access_key and secret_key"));
      }
      env.put(JobEnv.AWS_ACCESS_KEY_ID, id);
      env.put(JobEnv.AWS_SECRET_ACCESS_KEY, key);
      return Result.of(env);
    }
    if (spec.gcs != null) {
      String json = data.get(JobEnv.GCS_CREDENTIALS_KEY);
      if (json == null) {
        return Result.refuse(missing(secret, "spec.gcs.secretName", "key credentials"));
      }
      String type;
      try {
        JsonNode node = Serde.JSON.readTree(json);
        type = node == null ? "" : node.path("type").asText("");
      } catch (java.io.IOException | RuntimeException e) {
        return Result.refuse("key credentials of the Secret is not a JSON key file");
      }
      if (!GCS_KEY_TYPES.contains(type)) {
        return Result.refuse(
            "key credentials of the Secret is a key of type \""
                + type
                + "\"; the operator cleans only with a service_account or authorized_user key, "
                + "never one that takes a token from the operator's own environment");
      }
      env.put(JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY, json);
      return Result.of(env);
    }
    if (spec.azblob != null) {
      copy(data, env, JobEnv.AZURE_STORAGE_ACCOUNT);
      if (spec.azblob.sasToken != null && !spec.azblob.sasToken.isEmpty()) {
        env.put(JobEnv.AZURE_SAS_TOKEN, spec.azblob.sasToken);
        return Result.of(env);
      }
      if (copy(data, env, JobEnv.AZURE_STORAGE_KEY)) {
        return Result.of(env);
      }
      if (copy(data, env, JobEnv.AZURE_CLIENT_ID)
          & copy(data, env, JobEnv.AZURE_CLIENT_SECRET)
          & copy(data, env, JobEnv.AZURE_TENANT_ID)) {
        return Result.of(env);
      }
      return Result.refuse(
          missing(
              secret,
              "spec.azblob.secretName",
              "key AZURE_STORAGE_KEY, or AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID"));
    }
    return Result.refuse("a local volume is not reachable from the operator");
  }

  private static String missing(Secret secret, String field, String keys) {
    return secret == null
        ? "no readable credentials Secret (" + field + "), and the operator never uses its own"
        : "the credentials Secret "
            + secret.getMetadata().getName()
            + " has no "
            + keys
            + ", and the operator never uses its own";
  }

  private static boolean copy(Map<String, String> from, Map<String, String> to, String key) {
    String v = from.get(key);
    if (v == null || v.isEmpty()) {
      return false;
    }
    to.put(key, v);
    return true;
  }

  /** The Secret's decoded data ({@code stringData} over {@code data}, as the API server merges). */
  static Map<String, String> data(Secret s) {
    Map<String, String> data = new HashMap<>();
    if (s == null) {
      return data;
    }
    if (s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) -> {
                try {
                  data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException notBase64) {
                  // not a value the API server would have stored
                }
              });
    }
    if (s.getStringData() != null) {
      data.putAll(s.getStringData());
    }
    data.values().removeIf(v -> v == null || v.isEmpty());
    return data;
  }
}
