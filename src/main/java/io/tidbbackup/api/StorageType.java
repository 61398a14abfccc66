package io.tidbbackup.api;

/** Which object store a provider points at, with its URL scheme. */
public enum StorageType {
  S3("s3"),
  GCS("gcs"),
  AZBLOB("azure"),
  LOCAL("local");

  private final String scheme;

  StorageType(String scheme) {
    this.scheme = scheme;
  }

  public String scheme() {
    return scheme;
  }

  /**
   * The spec field that holds this provider: {@code s3}, {@code gcs}, {@code azblob}, {@code
   * local}.
   */
  public String field() {
    return this == AZBLOB ? "azblob" : scheme;
  }
}
