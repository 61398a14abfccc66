package io.tidbbackup.storage;

import java.io.IOException;

/**
 * The store asked to slow down (S3 {@code 503 SlowDown}, a {@code 429}, a throttling code): the
 * request did nothing and may be sent again, later; the cleaner sends fewer at a time.
 */
public class StoreThrottledException extends IOException {
  public StoreThrottledException(String message, Throwable cause) {
    super(message, cause);
  }
}
