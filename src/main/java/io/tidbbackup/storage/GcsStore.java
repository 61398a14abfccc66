package io.tidbbackup.storage;

import com.google.api.gax.paging.Page;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.tidbbackup.api.GcsStorageProvider;
import io.tidbbackup.api.JobEnv;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Google Cloud Storage over its JSON API (google-cloud-storage, HTTP transport). Credentials: the
 * service-account JSON in GCS_SERVICE_ACCOUNT_JSON_KEY or the file GOOGLE_APPLICATION_CREDENTIALS
 * names, else application default credentials (workload identity). GCS_ENDPOINT points it at a
 * local server.
 */
public final class GcsStore implements ObjectStore {
  private final Storage storage;
  private final String bucket;
  private final RequestCounts requests = new RequestCounts();

  GcsStore(Storage storage, String bucket) {
    this.storage = storage;
    this.bucket = bucket;
  }

  public static GcsStore open(GcsStorageProvider gcs, StoreOptions o) throws IOException {
    StorageOptions.Builder b =
        StorageOptions.http()
            .setProjectId(gcs.projectId)
            .setTransportOptions(
                com.google.cloud.http.HttpTransportOptions.newBuilder()
                    .setConnectTimeout((int) o.attemptTimeout().toMillis())
                    .setReadTimeout((int) o.attemptTimeout().toMillis())
                    .build())
            .setRetrySettings(
                StorageOptions.getDefaultRetrySettings().toBuilder()
                    .setTotalTimeoutDuration(o.callTimeout())
                    .setInitialRpcTimeoutDuration(o.attemptTimeout())
                    .setMaxRpcTimeoutDuration(o.attemptTimeout())
                    .build());
    String endpoint = o.get(StoreOptions.GCS_ENDPOINT);
    if (endpoint != null) {
      b.setHost(endpoint).setCredentials(NoCredentials.getInstance());
    } else {
      b.setCredentials(credentials(o));
    }
    return new GcsStore(b.build().getService(), gcs.bucket);
  }

  static GoogleCredentials credentials(StoreOptions o) throws IOException {
    String json = o.get(JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY);
    if (json != null) {
      GoogleCredentials key;
      try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
        key = GoogleCredentials.fromStream(in);
      }
      if (!o.ambientCredentials()
          && !(key instanceof com.google.auth.oauth2.ServiceAccountCredentials)
          && !(key instanceof com.google.auth.oauth2.UserCredentials)) {
        // an external_account key reads its token from files or a metadata server of this process
        throw StoreOptions.noAmbientCredentials("a service_account or authorized_user key");
      }
      return key;
    }
    if (!o.ambientCredentials()) {
      throw StoreOptions.noAmbientCredentials(JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY);
    }
    String file = o.get(JobEnv.GOOGLE_APPLICATION_CREDENTIALS);
    if (file != null) {
      try (InputStream in = new FileInputStream(file)) {
        return GoogleCredentials.fromStream(in);
      }
    }
    return GoogleCredentials.getApplicationDefault();
  }

  @Override
  public String describe() {
    return "gcs://" + bucket;
  }

  /** Separates an object's name and generation in a key (never part of a GCS object name). */
  static final char GENERATION_SEPARATOR = '\0';

  /**
   * Up to {@code max} object generations, as {@code name + '\0' + generation}: every generation,
   * noncurrent ones of a versioned bucket included (they are billed and restorable: a prefix that
   * still holds one is not clean), listed whether or not the bucket says it keeps versions. As many
   * objects.list requests (1000 each) as that takes.
   */
  @Override
  public ListPage list(String keyPrefix, String token, int max) throws IOException {
    return ListPage.gather(
        token,
        max,
        1000,
        (next, want) -> {
          requests.listed();
          try {
            List<Storage.BlobListOption> opts =
                new ArrayList<>(
                    List.of(
                        Storage.BlobListOption.prefix(keyPrefix),
                        Storage.BlobListOption.pageSize(want),
                        Storage.BlobListOption.versions(true),
                        Storage.BlobListOption.fields(
                            Storage.BlobField.NAME, Storage.BlobField.GENERATION)));
            if (next != null) {
              opts.add(Storage.BlobListOption.pageToken(next));
            }
            Page<Blob> page = storage.list(bucket, opts.toArray(new Storage.BlobListOption[0]));
            List<String> keys = new ArrayList<>();
            page.getValues()
                .forEach(
                    blob ->
                        keys.add(
                            blob.getGeneration() == null
                                ? blob.getName()
                                : blob.getName() + GENERATION_SEPARATOR + blob.getGeneration()));
            return new ListPage(keys, page.hasNextPage() ? page.getNextPageToken() : null);
          } catch (StorageException e) {
            throw new IOException(
                "listing " + describe() + "/" + keyPrefix + ": " + e.getMessage(), e);
          }
        });
  }

  @Override
  public boolean supportsBatchDelete() {
    return false;
  }

  @Override
  public java.io.InputStream open(String key) throws IOException {
    try {
      if (storage.get(BlobId.of(bucket, key)) == null) {
        throw new java.io.FileNotFoundException(describe() + "/" + key + " does not exist");
      }
      return java.nio.channels.Channels.newInputStream(storage.reader(BlobId.of(bucket, key)));
    } catch (StorageException e) {
      throw new IOException("read " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    requests.deleted();
    try {
      int i = key.indexOf(GENERATION_SEPARATOR);
      BlobId id =
          i < 0
              ? BlobId.of(bucket, key)
              : BlobId.of(bucket, key.substring(0, i), Long.parseLong(key.substring(i + 1)));
      storage.delete(id); // false when missing: counts as deleted
    } catch (StorageException e) {
      if (throttled(e)) {
        throw new StoreThrottledException(
            "delete " + key + ": throttled (" + e.getCode() + " " + e.getReason() + ")", e);
      }
      throw new IOException("delete " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * GCS asks to slow down with {@code 429 rateLimitExceeded} (per-bucket and per-object limits) or
   * {@code 503}; what is left after the client library's own retries is sent again by the cleaner,
   * with fewer calls in flight.
   */
  static boolean throttled(StorageException e) {
    return e.getCode() == 429
        || e.getCode() == 503
        || "rateLimitExceeded".equals(e.getReason())
        || "userRateLimitExceeded".equals(e.getReason());
  }

  @Override
  public RequestCounts requests() {
    return requests;
  }

  @Override
  public void close() throws IOException {
    try {
      storage.close();
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
