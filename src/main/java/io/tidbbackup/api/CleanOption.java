package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * How the storage cleaner deletes a backup's objects. Zero or negative numbers mean "default", as
 * upstream.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CleanOption {
  public static final long DEFAULT_PAGE_SIZE = 10000;
  public static final int DEFAULT_RETRY_COUNT = 5;
  public static final int DEFAULT_BATCH_CONCURRENCY = 10;
  public static final int DEFAULT_ROUTINE_CONCURRENCY = 100;

  /**
   * The most each may be (the CRD's maxima; the cleaner clamps an object stored before them): a
   * retryCount without end never lets a clean finish, and thousands of workers or requests in
   * flight only earn the store's throttling.
   */
  public static final long MAX_PAGE_SIZE = 100_000;

  public static final int MAX_RETRY_COUNT = 100;
  public static final int MAX_BATCH_CONCURRENCY = 100;
  public static final int MAX_ROUTINE_CONCURRENCY = 1000;

  @Default("10000")
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  public Long pageSize;

  @Default("5")
  @Min(0)
  @Max(MAX_RETRY_COUNT)
  public Integer retryCount;

  public Boolean backoffEnabled;
  public Boolean disableBatchConcurrency;

  @Default("10")
  @Min(0)
  @Max(MAX_BATCH_CONCURRENCY)
  public Integer batchConcurrency;

  @Default("100")
  @Min(0)
  @Max(MAX_ROUTINE_CONCURRENCY)
  public Integer routineConcurrency;
}
