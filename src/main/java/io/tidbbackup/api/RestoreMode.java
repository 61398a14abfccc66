package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Restore mode. TiDB Operator's {@code volume-snapshot} (AWS EBS) mode is not supported. */
public enum RestoreMode {
  @JsonProperty("snapshot")
  SNAPSHOT("snapshot"),
  @JsonProperty("pitr")
  PITR("pitr");

  private final String value;

  RestoreMode(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
