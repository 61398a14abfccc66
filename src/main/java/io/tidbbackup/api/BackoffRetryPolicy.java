package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;

/**
 * Retry of a failed snapshot backup Job: wait minRetryDuration, doubling, at most maxRetryTimes,
 * within retryTimeout.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackoffRetryPolicy {
  public static final String DEFAULT_MIN_RETRY_DURATION = "300s";
  public static final int DEFAULT_MAX_RETRY_TIMES = 2;
  public static final String DEFAULT_RETRY_TIMEOUT = "30m";

  @Default(DEFAULT_MIN_RETRY_DURATION)
  public String minRetryDuration;

  @Default("2")
  public Integer maxRetryTimes;

  @Default(DEFAULT_RETRY_TIMEOUT)
  public String retryTimeout;
}
