package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** BR options. A nil pointer omits the flag so that BR's own default applies. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BRConfig {
  @Required public String cluster;
  public String clusterNamespace;

  /** Deprecated: use tableFilter. */
  public String db;

  /** Deprecated: use tableFilter. */
  public String table;

  public String logLevel;
  public String statusAddr;
  public Integer concurrency;

  /** MB/s. */
  public Integer rateLimit;

  public String timeAgo;
  public Boolean checksum;
  public Boolean checkRequirements;
  public Boolean sendCredToTikv;

  /** Restore only. */
  public Boolean onLine;

  /** Appended last, so they win over every generated flag. */
  public List<String> options;

  /** {@code <cluster>-pd.<clusterNamespace or namespace>:2379}: the PD address BR talks to. */
  public String pdAddress(String namespace) {
    String ns =
        clusterNamespace == null || clusterNamespace.isEmpty() ? namespace : clusterNamespace;
    return cluster + "-pd." + ns + ":2379";
  }
}
