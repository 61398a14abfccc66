package io.tidbbackup.storage;

import java.util.Map;

/**
 * How to reach a store: credentials as the env vars a Job would have (AWS_ACCESS_KEY_ID, …), and
 * endpoint overrides for local servers in tests ({@code GCS_ENDPOINT}, {@code
 * AZURE_STORAGE_ENDPOINT}).
 *
 * @param ambientCredentials whether a store without static keys may fall back to the identity of
 *     the process (IRSA, workload identity, a node role): yes in a tenant's Job, never in the
 *     operator's own process
 */
public record StoreOptions(
    Map<String, String> env,
    int maxConnections,
    java.time.Duration attemptTimeout,
    java.time.Duration callTimeout,
    boolean ambientCredentials) {
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
    this(env, maxConnections, ATTEMPT_TIMEOUT, CALL_TIMEOUT, true);
  }

  public StoreOptions(
      Map<String, String> env,
      int maxConnections,
      java.time.Duration attemptTimeout,
      java.time.Duration callTimeout) {
    this(env, maxConnections, attemptTimeout, callTimeout, true);
  }

  /** The same options with static keys only: no fallback to the process's own identity. */
  public StoreOptions staticCredentialsOnly() {
    return new StoreOptions(env, maxConnections, attemptTimeout, callTimeout, false);
  }

  /** Said when a store would need the process's own identity and may not use it. */
  public static IllegalArgumentException noAmbientCredentials(String what) {
    return new IllegalArgumentException(
        "no static credentials ("
            + what
            + ") and this clean may not use the identity of the process it runs in");
  }

  public String get(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
