package io.tidbbackup.storage;

import java.io.IOException;
import java.util.List;

/**
 * One object store (a bucket or container), as the cleaner needs it: list a key prefix page by page
 * and delete. Implementations count their requests. Every destructive call goes through {@link
 * PrefixGuard} in {@link CleanEngine}; implementations do not check prefixes themselves.
 */
public interface ObjectStore extends AutoCloseable {

  /** {@code s3://bucket}, {@code gcs://bucket}, … for messages. */
  String describe();

  /**
   * One page of the keys that start with {@code keyPrefix}, recursively; {@code token} null for the
   * first page.
   */
  ListPage list(String keyPrefix, String token, int max) throws IOException;

  /**
   * True when {@link #listLevel} works here (S3 without versioning); the cleaner then lists a
   * prefix's sub-prefixes side by side. A store that cannot say without asking may ask here.
   */
  default boolean listsByLevel() throws IOException {
    return false;
  }

  /**
   * One page of one level under {@code dir} (a key prefix ending in '/'): at most {@code max}
   * entries, the keys directly in it, and in {@link ListPage#subPrefixes} the prefixes of what lies
   * deeper, each once (S3: ListObjectsV2 with the delimiter '/'). Only when {@link #listsByLevel}.
   */
  default ListPage listLevel(String dir, String token, int max) throws IOException {
    throw new UnsupportedOperationException(describe() + " does not list by level");
  }

  /** True when {@link #deleteBatch} deletes many keys in one request (S3 DeleteObjects). */
  boolean supportsBatchDelete();

  /**
   * Deletes up to {@value CleanEngine#BATCH_LIMIT} keys in one request. Per-key failures are in the
   * result.
   *
   * @throws BatchDeleteUnsupportedException when the store does not implement batch deletes
   * @throws IOException when the request as a whole failed
   */
  default BatchDeleteResult deleteBatch(List<String> keys) throws IOException {
    throw new BatchDeleteUnsupportedException(describe() + " has no batch delete");
  }

  /**
   * Reads one object (a TiDB Operator Dumpling export's archive, downloaded by a restore).
   *
   * @throws java.io.FileNotFoundException when there is no such object
   */
  default java.io.InputStream open(String key) throws IOException {
    throw new IOException(describe() + " cannot be read from");
  }

  /** Deletes one object; a missing object counts as deleted. */
  void delete(String key) throws IOException;

  /**
   * Whether a listed key is a directory entry of a hierarchical namespace (Azure HNS) rather than
   * data. Such entries are removed after the data, deepest first.
   */
  default boolean isDirectoryEntry(String key) {
    return false;
  }

  /**
   * After the data under {@code dir} (a key prefix ending in '/') is deleted: removes what a
   * hierarchical store leaves behind inside it (a volume's empty directories), never anything above
   * it. Object stores have nothing to remove.
   */
  default void removeEmptyDirectories(String dir) throws IOException {}

  RequestCounts requests();

  @Override
  default void close() throws IOException {}
}
