package io.tidbbackup.storage;

import io.tidbbackup.api.CleanOption;
import java.time.Duration;

/**
 * spec.cleanOption with TiDB Operator's defaults applied (a value of zero or less means "default").
 *
 * @param pageSize keys listed per page
 * @param retryCount rounds (list, delete, verify) before giving up
 * @param backoffEnabled sleep 100 ms doubling to 1 s after a page with failures
 * @param batch S3 DeleteObjects (unless disableBatchConcurrency)
 * @param batchConcurrency DeleteObjects requests in flight
 * @param routineConcurrency per-object delete workers
 */
public record CleanSettings(
    int pageSize,
    int retryCount,
    boolean backoffEnabled,
    boolean batch,
    int batchConcurrency,
    int routineConcurrency) {
  public static final Duration BACKOFF_START = Duration.ofMillis(100);
  public static final Duration BACKOFF_CAP = Duration.ofSeconds(1);

  public static CleanSettings of(CleanOption o) {
    CleanOption c = o == null ? new CleanOption() : o;
    return new CleanSettings(
        (int) positive(c.pageSize, CleanOption.DEFAULT_PAGE_SIZE, CleanOption.MAX_PAGE_SIZE),
        (int)
            positive(
                c.retryCount == null ? null : c.retryCount.longValue(),
                CleanOption.DEFAULT_RETRY_COUNT,
                CleanOption.MAX_RETRY_COUNT),
        Boolean.TRUE.equals(c.backoffEnabled),
        !Boolean.TRUE.equals(c.disableBatchConcurrency),
        (int)
            positive(
                c.batchConcurrency == null ? null : c.batchConcurrency.longValue(),
                CleanOption.DEFAULT_BATCH_CONCURRENCY,
                CleanOption.MAX_BATCH_CONCURRENCY),
        (int)
            positive(
                c.routineConcurrency == null ? null : c.routineConcurrency.longValue(),
                CleanOption.DEFAULT_ROUTINE_CONCURRENCY,
                CleanOption.MAX_ROUTINE_CONCURRENCY));
  }

  /**
   * Ceilings for a clean inside the operator's JVM, whatever the tenant asked for: TiDB Operator's
   * defaults.
   */
  public static final int OPERATOR_MAX_PAGE_SIZE = (int) CleanOption.DEFAULT_PAGE_SIZE;

  public static final int OPERATOR_MAX_BATCH_CONCURRENCY = CleanOption.DEFAULT_BATCH_CONCURRENCY;
  public static final int OPERATOR_MAX_ROUTINE_CONCURRENCY =
      CleanOption.DEFAULT_ROUTINE_CONCURRENCY;

  /**
   * These settings within the operator's ceilings: a clean in the operator's process (a namespace
   * being deleted) shares its JVM with every reconcile, so a tenant's 1000 delete workers or pages
   * of 100000 keys are not run there; lower values stay.
   */
  public CleanSettings inOperatorProcess() {
    return new CleanSettings(
        Math.min(pageSize, OPERATOR_MAX_PAGE_SIZE),
        retryCount,
        backoffEnabled,
        batch,
        Math.min(batchConcurrency, OPERATOR_MAX_BATCH_CONCURRENCY),
        Math.min(routineConcurrency, OPERATOR_MAX_ROUTINE_CONCURRENCY));
  }

  /** Zero or less means the default (as upstream); above the maximum, the maximum. */
  static long positive(Long v, long dflt, long max) {
    return v == null || v <= 0 ? dflt : Math.min(v, max);
  }
}
