package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Desired state of a log backup task ({@code br log <verb>}). */
public enum LogSubCommand {
  @JsonProperty("log-start")
  START("log-start", "start"),
  @JsonProperty("log-stop")
  STOP("log-stop", "stop"),
  @JsonProperty("log-pause")
  PAUSE("log-pause", "pause"),
  @JsonProperty("log-resume")
  RESUME("log-resume", "resume"),
  @JsonProperty("log-truncate")
  TRUNCATE("log-truncate", "truncate");

  private final String value;
  private final String brVerb;

  LogSubCommand(String value, String brVerb) {
    this.value = value;
    this.brVerb = brVerb;
  }

  public String value() {
    return value;
  }

  /** The word after {@code br log}. */
  public String brVerb() {
    return brVerb;
  }

  public static LogSubCommand fromValue(String v) {
    for (LogSubCommand c : values()) {
      if (c.value.equals(v)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown log subcommand " + v);
  }
}
