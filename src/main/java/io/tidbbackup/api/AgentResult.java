package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the agent reports in its container's termination message (JSON, at most 4 KiB) and the
 * operator copies into status. {@code error} holds the tool's last error lines, with credentials
 * redacted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentResult {
  public static final int MAX_BYTES = 4096;

  public Boolean success;
  public String commitTs;
  public Long backupSize;
  public String backupPath;
  public String logTruncateUntil;
  public Integer exitCode;

  /** Restores: the last progress of each step the tool reported (percent). */
  public java.util.List<Progress> progresses;

  public String error;

  /**
   * BR runs: the operations BR said it started ("BR operation started"), oldest first; TiDB
   * Operator 1.6.6's {@code status.brOperations}.
   */
  public java.util.List<BrOperation> brOperations;

  /** Cleans: what the clean did ({@link AgentProtocol#cleanResult}). */
  public CleanReport clean;
}
