package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A BR operation observed for a backup or restore. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BrOperation {
  public String operationID;
  public String startedAt;
  public String command;
  public String observedAt;
}
