package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Azure Blob Storage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AzblobStorageProvider {
  public String path;
  public String container;
  public String accessTier;

  /**
   * Secret with AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY, or AZURE_CLIENT_ID/SECRET/TENANT_ID,
   * or AZURE_SAS_TOKEN.
   */
  public String secretName;

  public String storageAccount;

  /**
   * An inline SAS token (TiDB Operator compatible). The operator never copies it into a Job: it is
   * moved into an owned Secret and reaches the pod as a secretKeyRef.
   */
  public String sasToken;

  @io.fabric8.generator.annotation.ValidationRule(
      value = PrefixRules.CEL,
      message = PrefixRules.MESSAGE)
  @io.fabric8.generator.annotation.Size(max = PrefixRules.MAX_LENGTH)
  public String prefix;
}
