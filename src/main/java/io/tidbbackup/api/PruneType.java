package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** When to run {@code br abort restore}. */
public enum PruneType {
  @JsonProperty("afterFailed")
  AFTER_FAILED
}
