package io.tidbbackup.storage;

import java.util.Map;

/**
 * How to reach a store: credentials as the env vars a Job would have (AWS_ACCESS_KEY_ID, …), and
 * endpoint overrides for local servers in tests ({@code GCS_ENDPOINT}, {@code
 * AZURE_STORAGE_ENDPOINT}).
 */
public record StoreOptions(
    Map<String, String> env,
    int maxConnections,
    java.time.Duration attemptTimeout,
    java.time.Duration callTimeout) {
  public static final String GCS_ENDPOINT = "GCS_ENDPOINT";
  public static final String AZURE_STORAGE_ENDPOINT = "AZURE_STORAGE_ENDPOINT";

  /**
   * One request may take this long before it is abandoned and retried: the socket timeout alone
   * never ends a response that trickles in a byte at a time.
   */
  public static final java.time.Duration ATTEMPT_TIMEOUT = java.time.Duration.ofMinutes(2);

  /** One call, its SDK retries included, may take this long before it fails. */
  public static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofMinutes(10);

  public StoreOptions {
    env = Map.copyOf(env);
  }

  public StoreOptions(Map<String, String> env, int maxConnections) {
    this(env, maxConnections, ATTEMPT_TIMEOUT, CALL_TIMEOUT);
  }

  public String get(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
