package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Dumpling options. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DumplingConfig {
  /** Replace the defaults {@code --threads=16 --rows=10000}. */
  public List<String> options;

  /** Deprecated: use spec.tableFilter. */
  public List<String> tableFilter;
}
