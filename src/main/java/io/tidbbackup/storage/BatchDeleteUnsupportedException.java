package io.tidbbackup.storage;

import java.io.IOException;

/**
 * The store rejects batch deletes (S3-compatible stores without DeleteObjects, or demanding
 * Content-MD5).
 */
public class BatchDeleteUnsupportedException extends IOException {
  public BatchDeleteUnsupportedException(String message) {
    super(message);
  }
}
