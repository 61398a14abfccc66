package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The inline storage provider of TiDB Operator ({@code s3}, {@code gcs}, {@code azblob}, {@code
 * local}). Exactly one is expected; as upstream, the first set one wins in the order s3, gcs,
 * azblob, local.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageProvider {
  public S3StorageProvider s3;
  public GcsStorageProvider gcs;
  public AzblobStorageProvider azblob;
  public LocalStorageProvider local;

  /** Storage type by the upstream precedence, or {@code null} when none is set. */
  @JsonIgnore
  public StorageType storageType() {
    if (s3 != null) {
      return StorageType.S3;
    }
    if (gcs != null) {
      return StorageType.GCS;
    }
    if (azblob != null) {
      return StorageType.AZBLOB;
    }
    if (local != null) {
      return StorageType.LOCAL;
    }
    return null;
  }

  /** Number of providers set; validation wants exactly one. */
  @JsonIgnore
  public int providerCount() {
    return (s3 != null ? 1 : 0)
        + (gcs != null ? 1 : 0)
        + (azblob != null ? 1 : 0)
        + (local != null ? 1 : 0);
  }
}
