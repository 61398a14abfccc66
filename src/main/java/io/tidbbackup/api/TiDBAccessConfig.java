package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** The TiDB SQL endpoint ({@code from} of a Backup, {@code to} of a Restore). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TiDBAccessConfig {
  @Required public String host;

  /** Default 4000. */
  public Integer port;

  /** Default root. */
  public String user;

  /** Secret with key {@code password}. */
  @Required public String secretName;

  /** Default {@code <cluster>-tidb-client-secret}. */
  public String tlsClientSecretName;
}
