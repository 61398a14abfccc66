package io.tidbbackup.storage;

import java.util.Map;

/**
 * How to reach a store: credentials as the env vars a Job would have (AWS_ACCESS_KEY_ID, …), and
 * endpoint overrides for local servers in tests ({@code GCS_ENDPOINT}, {@code
 * AZURE_STORAGE_ENDPOINT}).
 */
public record StoreOptions(Map<String, String> env, int maxConnections) {
  public static final String GCS_ENDPOINT = "GCS_ENDPOINT";
  public static final String AZURE_STORAGE_ENDPOINT = "AZURE_STORAGE_ENDPOINT";

  public StoreOptions {
    env = Map.copyOf(env);
  }

  public String get(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
