package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a snapshot backup or restore covers. {@code raw} and {@code tiflash-replica} exist upstream
 * but are rejected.
 */
public enum BackupType {
  @JsonProperty("full")
  FULL("full"),
  @JsonProperty("raw")
  RAW("raw"),
  @JsonProperty("db")
  DB("db"),
  @JsonProperty("table")
  TABLE("table"),
  @JsonProperty("tiflash-replica")
  TIFLASH_REPLICA("tiflash-replica");

  private final String value;

  BackupType(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
