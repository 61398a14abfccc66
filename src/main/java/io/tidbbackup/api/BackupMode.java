package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Backup mode. TiDB Operator's {@code volume-snapshot} (AWS EBS) mode is not supported. */
public enum BackupMode {
  @JsonProperty("snapshot")
  SNAPSHOT("snapshot"),
  @JsonProperty("log")
  LOG("log");

  private final String value;

  BackupMode(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
