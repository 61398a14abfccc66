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

  /**
   * Additive: the UID of the Job whose failure this retry replaces, so a cached copy of it is never
   * read again.
   */
  public String failedJobUID;
}
