package io.tidbbackup.agent;

import io.tidbbackup.api.CleanSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import io.tidbbackup.storage.KmsSecrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's view of its environment: which variables are set, and what the tool child needs
 * added.
 */
public final class AgentEnvironment {
  private static final List<String> SECRET_VARS =
      List.of(
          JobEnv.PASSWORD,
          JobEnv.KMS_PASSWORD,
          JobEnv.AWS_SECRET_ACCESS_KEY,
          JobEnv.AWS_ACCESS_KEY_ID,
          JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY,
          JobEnv.AZURE_STORAGE_KEY,
          JobEnv.AZURE_CLIENT_SECRET,
          JobEnv.AZURE_SAS_TOKEN);

  private final Map<String, String> env;
  private final Path scratch;

  /**
   * The Job's environment, its KMS-encrypted variables decrypted ({@link KmsSecrets}).
   *
   * @throws IllegalArgumentException when one cannot be decrypted (the agent refuses to run)
   */
  public static AgentEnvironment ofJob(Map<String, String> env, Path scratch) {
    return new AgentEnvironment(KmsSecrets.decrypt(env), scratch);
  }

  public AgentEnvironment(Map<String, String> env, Path scratch) {
    this.env = Map.copyOf(env);
    this.scratch = scratch;
  }

  public Map<String, String> env() {
    return env;
  }

  public String get(String name) {
    return env.get(name);
  }

  /**
   * The spec of the CR this Job works on, from {@code TIDB_BACKUP_SPEC} (JSON, without secrets).
   */
  public <T> T spec(Class<T> type) {
    return io.tidbbackup.api.CrdDefaults.apply(Serde.fromJson(specJson(), type));
  }

  /** What a clean reads of the same spec: its storage and cleanOption only ({@link CleanSpec}). */
  public CleanSpec cleanSpec() {
    com.fasterxml.jackson.databind.JsonNode tree;
    try {
      tree = Serde.JSON.readTree(specJson());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(JobEnv.SPEC + ": not JSON: " + e.getOriginalMessage());
    }
    return CleanSpec.of(tree, JobEnv.SPEC);
  }

  private String specJson() {
    String json = env.get(JobEnv.SPEC);
    if (json == null || json.isEmpty()) {
      throw new IllegalArgumentException(
          JobEnv.SPEC + " is not set: the agent runs inside Jobs the operator creates");
    }
    return json;
  }

  /** Names of the variables that are set and not empty. */
  public Set<String> present() {
    Set<String> s = new LinkedHashSet<>();
    env.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            s.add(k);
          }
        });
    return s;
  }

  /** Values of every credential variable, for redaction. */
  public List<String> secretValues() {
    return secretValues(env);
  }

  /** Values of every credential variable in {@code env}. */
  public static List<String> secretValues(Map<String, String> env) {
    return SECRET_VARS.stream().map(env::get).filter(v -> v != null && !v.isEmpty()).toList();
  }

  /** The agent's private scratch directory (the tool's credential and config files). */
  public Path scratch() {
    return scratch;
  }

  /**
   * Variables to add for the tool: GCS service-account JSON from {@code
   * GCS_SERVICE_ACCOUNT_JSON_KEY} is written to a 0600 file in the scratch dir and named by
   * GOOGLE_APPLICATION_CREDENTIALS.
   */
  public Map<String, String> toolEnv() throws IOException {
    Map<String, String> extra = new HashMap<>();
    String gcs = env.get(JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY);
    if (gcs != null && !gcs.isEmpty() && env.get(JobEnv.GOOGLE_APPLICATION_CREDENTIALS) == null) {
      Path f = scratch.resolve("google-credentials.json");
      Files.deleteIfExists(f);
      Files.createFile(
          f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(f, gcs);
      extra.put(JobEnv.GOOGLE_APPLICATION_CREDENTIALS, f.toString());
    }
    return extra;
  }
}
