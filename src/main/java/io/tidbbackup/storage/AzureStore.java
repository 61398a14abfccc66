package io.tidbbackup.storage;

import com.azure.core.http.rest.PagedResponse;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.tidbbackup.api.AzblobStorageProvider;
import io.tidbbackup.api.JobEnv;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Azure Blob Storage: shared key, SAS token or Azure AD client secret, as the env vars of TiDB
 * Operator name them. On accounts with a hierarchical namespace, directory entries (metadata
 * hdi_isfolder=true) are recognised and removed after the data, so an emptied backup leaves no
 * empty "folders" behind.
 */
public final class AzureStore implements ObjectStore {
  private final BlobContainerClient container;
  private final String name;
  private final RequestCounts requests = new RequestCounts();
  private final Set<String> directories = ConcurrentHashMap.newKeySet();
  private final java.time.Duration callTimeout;

  AzureStore(BlobContainerClient container, String name, java.time.Duration callTimeout) {
    this.callTimeout = callTimeout;
    this.container = container;
    this.name = name;
  }

  public static AzureStore open(AzblobStorageProvider az, StoreOptions o) {
    String account =
        az.storageAccount != null && !az.storageAccount.isEmpty()
            ? az.storageAccount
            : o.get(JobEnv.AZURE_STORAGE_ACCOUNT);
    if (account == null) {
      throw new IllegalArgumentException(
          "spec.azblob.storageAccount or AZURE_STORAGE_ACCOUNT is required");
    }
    String endpoint = o.get(StoreOptions.AZURE_STORAGE_ENDPOINT);
    BlobServiceClientBuilder b =
        new BlobServiceClientBuilder()
            .retryOptions(
                new com.azure.storage.common.policy.RequestRetryOptions(
                    com.azure.storage.common.policy.RetryPolicyType.EXPONENTIAL,
                    4,
                    o.attemptTimeout(),
                    null,
                    null,
                    null))
            .endpoint(
                endpoint != null ? endpoint : "https://" + account + ".blob.core.windows.net");
    String sas =
        az.sasToken != null && !az.sasToken.isEmpty() ? az.sasToken : o.get(JobEnv.AZURE_SAS_TOKEN);
    if (o.get(JobEnv.AZURE_STORAGE_KEY) != null) {
      b.credential(new StorageSharedKeyCredential(account, o.get(JobEnv.AZURE_STORAGE_KEY)));
    } else if (sas != null) {
      b.sasToken(sas);
    } else if (o.get(JobEnv.AZURE_CLIENT_ID) != null) {
      b.credential(
          new ClientSecretCredentialBuilder()
              .clientId(o.get(JobEnv.AZURE_CLIENT_ID))
              .clientSecret(o.get(JobEnv.AZURE_CLIENT_SECRET))
              .tenantId(o.get(JobEnv.AZURE_TENANT_ID))
              .build());
    } else {
      throw new IllegalArgumentException(
          "no Azure credentials: set AZURE_STORAGE_KEY, AZURE_SAS_TOKEN, or "
              + "AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID");
    }
    return new AzureStore(
        b.buildClient().getBlobContainerClient(az.container), az.container, o.callTimeout());
  }

  @Override
  public String describe() {
    return "azure://" + name;
  }

  /** Separates a blob's name and its snapshot or version in a key (never part of a blob name). */
  static final char VARIANT_SEPARATOR = '\0';

  static final String SNAPSHOT = "snapshot=";
  static final String VERSION = "version=";

  /**
   * Up to {@code max} keys: every blob, and every snapshot ({@code name\0snapshot=…}) and previous
   * version ({@code name\0version=…}) of it, which are billed and restorable: a prefix that still
   * holds one is not clean. As many List Blobs requests (5000 each) as that takes.
   */
  @Override
  public ListPage list(String keyPrefix, String token, int max) throws IOException {
    return ListPage.gather(
        token,
        max,
        5000,
        (next, want) -> {
          requests.listed();
          try {
            ListBlobsOptions opts =
                new ListBlobsOptions()
                    .setPrefix(keyPrefix)
                    .setMaxResultsPerPage(want)
                    .setDetails(
                        new BlobListDetails()
                            .setRetrieveMetadata(true)
                            .setRetrieveSnapshots(true)
                            .setRetrieveVersions(true));
            Iterator<PagedResponse<BlobItem>> pages =
                container.listBlobs(opts, next, callTimeout).iterableByPage(next, want).iterator();
            if (!pages.hasNext()) {
              return new ListPage(List.of(), null);
            }
            PagedResponse<BlobItem> page = pages.next();
            List<String> keys = new ArrayList<>();
            for (BlobItem item : page.getValue()) {
              if (item.getSnapshot() != null) {
                keys.add(item.getName() + VARIANT_SEPARATOR + SNAPSHOT + item.getSnapshot());
                continue;
              }
              if (item.getVersionId() != null && !Boolean.TRUE.equals(item.isCurrentVersion())) {
                keys.add(item.getName() + VARIANT_SEPARATOR + VERSION + item.getVersionId());
                continue;
              }
              keys.add(item.getName());
              Map<String, String> md = item.getMetadata();
              if (md != null && "true".equalsIgnoreCase(md.get("hdi_isfolder"))) {
                directories.add(item.getName());
              }
            }
            String c = page.getContinuationToken();
            return new ListPage(keys, c == null || c.isEmpty() ? null : c);
          } catch (BlobStorageException e) {
            throw new IOException(
                "listing " + describe() + "/" + keyPrefix + ": " + e.getMessage(), e);
          }
        });
  }

  @Override
  public boolean isDirectoryEntry(String key) {
    return directories.contains(key);
  }

  @Override
  public boolean supportsBatchDelete() {
    return false;
  }

  @Override
  public java.io.InputStream open(String key) throws IOException {
    try {
      var blob = container.getBlobClient(key);
      if (!blob.exists()) {
        throw new java.io.FileNotFoundException(describe() + "/" + key + " does not exist");
      }
      return blob.openInputStream();
    } catch (com.azure.core.exception.AzureException e) {
      throw new IOException("read " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    requests.deleted();
    try {
      int i = key.indexOf(VARIANT_SEPARATOR);
      String blob = i < 0 ? key : key.substring(0, i);
      String variant = i < 0 ? "" : key.substring(i + 1);
      if (variant.startsWith(SNAPSHOT)) {
        container
            .getBlobClient(blob, variant.substring(SNAPSHOT.length()))
            .deleteWithResponse(null, null, callTimeout, com.azure.core.util.Context.NONE);
      } else if (variant.startsWith(VERSION)) {
        container
            .getBlobClient(blob)
            .getVersionClient(variant.substring(VERSION.length()))
            .deleteWithResponse(null, null, callTimeout, com.azure.core.util.Context.NONE);
      } else {
        // the base blob with its snapshots (else: 409 SnapshotsPresent)
        container
            .getBlobClient(blob)
            .deleteWithResponse(
                com.azure.storage.blob.models.DeleteSnapshotsOptionType.INCLUDE,
                null,
                callTimeout,
                com.azure.core.util.Context.NONE);
      }
    } catch (BlobStorageException e) {
      if (throttled(e)) {
        throw new StoreThrottledException(
            "delete " + key + ": throttled (" + e.getStatusCode() + " " + e.getErrorCode() + ")",
            e);
      }
      if (e.getErrorCode() != BlobErrorCode.BLOB_NOT_FOUND && e.getStatusCode() != 404) {
        throw new IOException(
            "delete " + key + ": " + e.getErrorCode() + " " + e.getStatusCode(), e);
      }
    }
  }

  /**
   * Azure Storage asks to slow down with {@code 503 ServerBusy} (and {@code 500 OperationTimedOut}
   * when over its limits) or a {@code 429}; what is left after the SDK's own retries is sent again
   * by the cleaner, with fewer calls in flight.
   */
  static boolean throttled(BlobStorageException e) {
    return e.getStatusCode() == 503
        || e.getStatusCode() == 429
        || BlobErrorCode.SERVER_BUSY.equals(e.getErrorCode())
        || BlobErrorCode.OPERATION_TIMED_OUT.equals(e.getErrorCode());
  }

  @Override
  public RequestCounts requests() {
    return requests;
  }
}
