package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** S3 or an S3-compatible store. Field names as in TiDB Operator v1.6. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class S3StorageProvider {
  /** aws, ceph, minio, alibaba, netease, other, ... */
  @Required public String provider;

  public String region;

  /** Dumpling/Lightning: full object path {@code <bucket>/<path>}. */
  public String path;

  public String bucket;
  public String endpoint;
  public String storageClass;
  public String acl;

  /**
   * Secret with keys {@code access_key} and {@code secret_key}; absent means IRSA / default chain.
   */
  public String secretName;

  @io.fabric8.generator.annotation.ValidationRule(
      value = PrefixRules.CEL,
      message = PrefixRules.MESSAGE)
  @io.fabric8.generator.annotation.Size(max = PrefixRules.MAX_LENGTH)
  public String prefix;

  public String sse;

  /** rclone options in TiDB Operator; accepted and ignored here (no rclone), see README. */
  public List<String> options;

  public Boolean forcePathStyle;

  /**
   * As TiDB Operator v1.6 does (pkg/backup/util/util.go, generateS3CertEnvVar): a Ceph endpoint
   * given without a scheme ({@code 10.0.0.1:7480}) means {@code http://10.0.0.1:7480}.
   */
  public void normalizeCephEndpoint() {
    if ("ceph".equalsIgnoreCase(provider)
        && endpoint != null
        && !endpoint.isEmpty()
        && !endpoint.contains("://")) {
      endpoint = "http://" + endpoint;
    }
  }
}
