package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.tidbbackup.api.AzblobStorageProvider;
import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.StorageType;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cleaner against Azurite (Azure Blob protocol): per-object deletes, shared key and SAS,
 * directory entries.
 */
class AzureCleanTest {
  static final String PREFIX = "tidb/basic/backup-1";
  static final int N = 600;
  static TestingAzurite azurite;
  static BlobServiceClient service;

  BlobContainerClient container;
  List<String> sentinels;
  String containerName;

  @BeforeAll
  static void startAzurite() throws Exception {
    azurite = TestingAzurite.start();
    service =
        new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
  }

  @AfterAll
  static void stopAzurite() throws Exception {
    azurite.close();
  }

  @BeforeEach
  void fill() throws Exception {
    containerName = "c" + Long.toHexString(System.nanoTime());
    container = service.createBlobContainer(containerName);
    put(BackupLayout.snapshotKeys(PREFIX, N), false);
    // hierarchical-namespace style directory entries inside the prefix, and one outside that must
    // survive
    put(
        List.of(
            PREFIX + "/1", PREFIX + "/2", PREFIX + "/checkpoints", PREFIX + "/checkpoints/backup"),
        true);
    sentinels = new ArrayList<>(BackupLayout.siblingSentinels("tidb/basic", "backup-1"));
    put(sentinels, false);
    put(List.of("tidb/basic/backup-1-old/1"), true);
    sentinels.add("tidb/basic/backup-1-old/1");
    service
        .createBlobContainer(containerName + "x")
        .getBlobClient(PREFIX + "/backupmeta")
        .upload(BinaryData.fromString("x"));
  }

  void put(List<String> keys, boolean directory) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    for (String k : keys) {
      fs.add(
          pool.submit(
              () ->
                  container
                      .getBlobClient(k)
                      .uploadWithResponse(
                          new BlobParallelUploadOptions(BinaryData.fromString(directory ? "" : "x"))
                              .setMetadata(directory ? Map.of("hdi_isfolder", "true") : null),
                          null,
                          null)));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
  }

  List<String> names() {
    return container.listBlobs(new ListBlobsOptions(), null).stream()
        .map(BlobItem::getName)
        .toList();
  }

  CleanReport clean(Map<String, String> env, CleanOption option) throws Exception {
    AzblobStorageProvider az = new AzblobStorageProvider();
    az.container = containerName;
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put(StoreOptions.AZURE_STORAGE_ENDPOINT, azurite.endpoint());
    all.put(JobEnv.AZURE_STORAGE_ACCOUNT, TestingAzurite.ACCOUNT);
    try (ObjectStore store = AzureStore.open(az, new StoreOptions(all, 32))) {
      return new CleanEngine()
          .clean(
              store,
              new StorageLocation(StorageType.AZBLOB, containerName, PREFIX),
              CleanSettings.of(option),
              false);
    }
  }

  static CleanOption pages(long size, int workers) {
    CleanOption o = new CleanOption();
    o.pageSize = size;
    o.routineConcurrency = workers;
    return o;
  }

  @Test
  void sharedKeyCleanRemovesDataAndDirectoryEntriesOnly() throws Exception {
    CleanReport r = clean(Map.of(JobEnv.AZURE_STORAGE_KEY, TestingAzurite.KEY), pages(250, 16));
    assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
    assertThat(r.deleted()).isEqualTo(N);
    assertThat(r.requests().delete()).isGreaterThanOrEqualTo(N);
    assertThat(names()).containsExactlyInAnyOrderElementsOf(sentinels);
    assertThat(
            service
                .getBlobContainerClient(containerName + "x")
                .getBlobClient(PREFIX + "/backupmeta")
                .exists())
        .isTrue();
  }

  @Test
  void sasTokenClean() throws Exception {
    String sas =
        service.generateAccountSas(
            new AccountSasSignatureValues(
                OffsetDateTime.now().plusHours(1),
                AccountSasPermission.parse("rdl"),
                new AccountSasService().setBlobAccess(true),
                new AccountSasResourceType().setContainer(true).setObject(true)));
    CleanReport r = clean(Map.of(JobEnv.AZURE_SAS_TOKEN, sas), pages(10000, 100));
    assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
    assertThat(names()).containsExactlyInAnyOrderElementsOf(sentinels);
  }

  /**
   * Snapshots of blobs under the prefix are the backup's too (billed, restorable): they are listed
   * and deleted with their blobs, and the verification looks for them; snapshots beside the prefix
   * stay.
   */
  @Test
  void snapshotsUnderThePrefixAreDeletedAndThoseBesideItKept() throws Exception {
    List<String> snapped = BackupLayout.snapshotKeys(PREFIX, N).subList(0, 20);
    for (String k : snapped) {
      container.getBlobClient(k).createSnapshot();
    }
    container.getBlobClient(snapped.get(0)).createSnapshot();
    String outside = sentinels.get(0);
    container.getBlobClient(outside).createSnapshot();
    CleanReport r = clean(Map.of(JobEnv.AZURE_STORAGE_KEY, TestingAzurite.KEY), pages(250, 16));
    assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
    assertThat(withSnapshots().stream().filter(n -> n.startsWith(PREFIX + "/")).toList()).isEmpty();
    assertThat(withSnapshots()).filteredOn(n -> n.startsWith(outside + "@")).hasSize(1);
    assertThat(names()).containsExactlyInAnyOrderElementsOf(sentinels);
  }

  /** Every blob and snapshot, as {@code name} or {@code name@snapshot}. */
  List<String> withSnapshots() {
    return container
        .listBlobs(
            new ListBlobsOptions()
                .setDetails(
                    new com.azure.storage.blob.models.BlobListDetails().setRetrieveSnapshots(true)),
            null)
        .stream()
        .map(b -> b.getSnapshot() == null ? b.getName() : b.getName() + "@" + b.getSnapshot())
        .toList();
  }
}
