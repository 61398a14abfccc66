package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** Google Cloud Storage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GcsStorageProvider {
  @Required public String projectId;
  public String location;
  public String path;
  public String bucket;
  public String storageClass;
  public String objectAcl;
  public String bucketAcl;

  /** Secret with key {@code credentials} (service-account JSON); absent means workload identity. */
  public String secretName;

  @io.fabric8.generator.annotation.ValidationRule(
      value = PrefixRules.CEL,
      message = PrefixRules.MESSAGE)
  @io.fabric8.generator.annotation.Size(max = PrefixRules.MAX_LENGTH)
  public String prefix;
}
