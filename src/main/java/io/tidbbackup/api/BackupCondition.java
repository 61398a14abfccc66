package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A condition of a Backup or Restore (type, status, reason, message, lastTransitionTime, log
 * command).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupCondition {
  public String command;
  public String type;
  public String status;
  public String lastTransitionTime;
  public String reason;
  public String message;

  /** {@code br.pingcap.com} only (metav1.Condition): the generation the condition was set for. */
  public Long observedGeneration;

  public BackupCondition() {}

  public BackupCondition(String type, String status, String reason, String message) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BackupCondition c)) {
      return false;
    }
    return Objects.equals(command, c.command)
        && Objects.equals(type, c.type)
        && Objects.equals(status, c.status)
        && Objects.equals(lastTransitionTime, c.lastTransitionTime)
        && Objects.equals(reason, c.reason)
        && Objects.equals(message, c.message)
        && Objects.equals(observedGeneration, c.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(command, type, status, reason, message);
  }
}
