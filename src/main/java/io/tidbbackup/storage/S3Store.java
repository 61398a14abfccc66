package io.tidbbackup.storage;

import io.tidbbackup.api.S3StorageProvider;
import java.io.IOException;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 and S3-compatible stores (AWS SDK v2). Region, endpoint and path style as TiDB Operator does
 * them; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the default chain (IRSA,
 * instance profile). The client is made by {@link S3Clients}, listing (versioned buckets too) is
 * {@link S3Listing}'s, deleting one or a batch is {@link S3Deletes}'s.
 */
public final class S3Store implements ObjectStore {
  private final S3Client client;
  private final String bucket;
  private final RequestCounts requests = new RequestCounts();
  private final S3Listing listing;
  private final S3Deletes deletes;

  public S3Store(S3Client client, String bucket) {
    this.client = client;
    this.bucket = bucket;
    this.listing = new S3Listing(client, bucket, describe(), requests);
    this.deletes = new S3Deletes(client, bucket, describe(), requests);
  }

  public static S3Store open(S3StorageProvider s3, StoreOptions o) {
    return new S3Store(client(s3, o), s3.bucket);
  }

  /**
   * The SDK client a store of {@code s3} talks through: its connection pool, timeouts of each
   * attempt and of each call, credentials and addressing style.
   */
  public static S3Client client(S3StorageProvider s3, StoreOptions o) {
    return S3Clients.client(s3, o);
  }

  /** Static keys from the Job's env when set, else (where allowed) the default chain (IRSA). */
  public static AwsCredentialsProvider credentials(StoreOptions o) {
    return S3Clients.credentials(o);
  }

  @Override
  public String describe() {
    return "s3://" + bucket;
  }

  /** Up to {@code max} keys: as many list requests (1000 keys each) as that takes. */
  @Override
  public ListPage list(String keyPrefix, String token, int max) throws IOException {
    return listing.list(keyPrefix, token, max);
  }

  /** A bucket that keeps versions is listed by ListObjectVersions, never by level. */
  @Override
  public boolean listsByLevel() throws IOException {
    return !listing.versioned();
  }

  @Override
  public ListPage listLevel(String dir, String token, int max) throws IOException {
    return listing.listLevel(dir, token, max);
  }

  @Override
  public boolean supportsBatchDelete() {
    return true;
  }

  @Override
  public BatchDeleteResult deleteBatch(List<String> keys) throws IOException {
    return deletes.deleteBatch(keys);
  }

  @Override
  public java.io.InputStream open(String key) throws IOException {
    try {
      return client.getObject(b -> b.bucket(bucket).key(key));
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      throw new java.io.FileNotFoundException(describe() + "/" + key + " does not exist");
    } catch (SdkException e) {
      throw new IOException("GetObject " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    deletes.delete(key);
  }

  @Override
  public RequestCounts requests() {
    return requests;
  }

  @Override
  public void close() {
    client.close();
  }
}
