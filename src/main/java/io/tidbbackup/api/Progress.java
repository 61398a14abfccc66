package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Progress of one step of a tool (percent 0..100). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Progress {
  public String step;
  public Double progress;
  public String lastTransitionTime;
}
