package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens to a backup's remote data when its Backup object is deleted. */
public enum CleanPolicy {
  @JsonProperty("Retain")
  RETAIN,
  @JsonProperty("OnFailure")
  ON_FAILURE,
  @JsonProperty("Delete")
  DELETE
}
