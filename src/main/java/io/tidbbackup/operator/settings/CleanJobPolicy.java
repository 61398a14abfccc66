package io.tidbbackup.operator.settings;

import java.time.Duration;

/**
 * How clean Jobs are retried: Kubernetes retries the pod {@code backoffLimit} times with its own
 * exponential backoff; a Job that still failed is replaced after {@code retryBase} doubling per
 * attempt up to {@code retryCap}. A clean is never left stuck.
 */
public record CleanJobPolicy(
    int backoffLimit, Duration retryBase, Duration retryCap, Duration activeDeadline) {

  /**
   * How long one clean Job may take, its pods' retries included, before Kubernetes fails it
   * (DeadlineExceeded): a pod that never starts (an image it cannot pull, a Secret that is missing)
   * then ends as a failed attempt, said in CleanFailed and retried with backoff, instead of holding
   * the finalizer silently for ever.
   */
  public static final Duration ACTIVE_DEADLINE = Duration.ofHours(6);

  public CleanJobPolicy(int backoffLimit, Duration retryBase, Duration retryCap) {
    this(backoffLimit, retryBase, retryCap, ACTIVE_DEADLINE);
  }

  public static CleanJobPolicy defaults() {
    return new CleanJobPolicy(3, Duration.ofSeconds(30), Duration.ofMinutes(10));
  }

  /** Wait before clean attempt {@code attempt + 1}, after attempt {@code attempt} failed. */
  public Duration delayAfter(int attempt) {
    Duration d = retryBase.multipliedBy(1L << Math.min(Math.max(attempt - 1, 0), 20));
    return d.compareTo(retryCap) > 0 ? retryCap : d;
  }
}
