package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What a clean did. {@code verified} is true only when the final listing of the prefix came back
 * empty; that is the only success.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "listed",
  "deleted",
  "failed",
  "requests",
  "seconds",
  "rounds",
  "verified",
  "fallback",
  "dryRun",
  "error"
})
public record CleanReport(
    long listed,
    long deleted,
    long failed,
    Requests requests,
    double seconds,
    int rounds,
    boolean verified,
    Boolean fallback,
    Boolean dryRun,
    String error) {

  /** Requests sent, by kind. */
  @JsonPropertyOrder({"list", "delete"})
  public record Requests(long list, long delete) {}
}
