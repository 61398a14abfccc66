package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** State of one log subcommand (status.logSubCommandStatuses[cmd]). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LogSubCommandStatus {
  public String command;
  public String timeStarted;
  public String timeCompleted;
  public String logTruncatingUntil;
  public String phase;
  public List<BackupCondition> conditions;
}
