package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One retry of a failed backup Job (status.backoffRetryStatus[]). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackoffRetryRecord {
  public Integer retryNum;
  public String detectFailedAt;
  public String expectedRetryAt;
  public String realRetryAt;
  public String retryReason;
  public String originalReason;
}
