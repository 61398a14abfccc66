package io.tidbbackup.storage;

import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/**
 * The keys an S3 store hands out for a bucket that keeps versions: {@code key + '\0' + versionId},
 * one string per version or delete marker, so that the cleaner passes them around as it does plain
 * keys. Shared by {@link S3Listing}, which makes them, and {@link S3Deletes}, which takes them
 * apart again.
 */
final class S3VersionKeys {
  /** Separates key and version id in the keys of a versioned bucket (never part of an S3 key). */
  static final char VERSION_SEPARATOR = '\u0000';

  private S3VersionKeys() {}

  static ObjectIdentifier identifier(String key) {
    int i = key.indexOf(VERSION_SEPARATOR);
    return i < 0
        ? ObjectIdentifier.builder().key(key).build()
        : ObjectIdentifier.builder()
            .key(key.substring(0, i))
            .versionId(key.substring(i + 1))
            .build();
  }

  static String keyOf(String key, String versionId) {
    return versionId == null || versionId.isEmpty() ? key : key + VERSION_SEPARATOR + versionId;
  }
}
