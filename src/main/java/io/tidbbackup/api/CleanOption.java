package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
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

  @Default("10000")
  @Min(0)
  public Long pageSize;

  @Default("5")
  @Min(0)
  public Integer retryCount;

  public Boolean backoffEnabled;
  public Boolean disableBatchConcurrency;

  @Default("10")
  @Min(0)
  public Integer batchConcurrency;

  @Default("100")
  @Min(0)
  public Integer routineConcurrency;
}
