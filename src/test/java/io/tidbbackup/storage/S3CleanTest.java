package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The cleaner against a real S3 protocol server (s3proxy, in-memory), with sentinels that must survive. */
class S3CleanTest {
  static final String BUCKET = "backups";
  static final String OTHER = "other-bucket";
  static final String PREFIX = "tidb/basic/backup-1";
  static final int N = 2345;

  @RegisterExtension
  final S3ProxyExtension s3proxy = S3ProxyExtension.builder()
      .withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret").withBlobStoreProvider("transient")
      .build();

  S3Client admin;
  List<String> targets;
  List<String> sentinels;

  @BeforeEach
  void fill() throws Exception {
    admin = client(s3proxy.getUri().toString());
    admin.createBucket(b -> b.bucket(BUCKET));
    admin.createBucket(b -> b.bucket(OTHER));
    targets = BackupLayout.snapshotKeys(PREFIX, N);
    sentinels = BackupLayout.siblingSentinels("tidb/basic", "backup-1");
    put(admin, BUCKET, targets);
    put(admin, BUCKET, sentinels);
    put(admin, OTHER, List.of(PREFIX + "/backupmeta", PREFIX + "/1/1_2_x_default.sst"));
  }

  @AfterEach
  void close() {
    admin.close();
  }

  static S3Client client(String endpoint) {
    return S3Client.builder().endpointOverride(java.net.URI.create(endpoint)).region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
        .build();
  }

  static void put(S3Client c, String bucket, List<String> keys) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    for (String k : keys) {
      fs.add(pool.submit(() -> c.putObject(b -> b.bucket(bucket).key(k), RequestBody.fromString("x"))));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
  }

  static List<String> keys(S3Client c, String bucket) {
    List<String> out = new ArrayList<>();
    c.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).forEach(out::add);
    return out;
  }

  S3Store store(String endpoint) {
    S3StorageProvider p = new S3StorageProvider();
    p.provider = "minio";
    p.bucket = BUCKET;
    p.endpoint = endpoint;
    return S3Store.open(p, new StoreOptions(Map.of("AWS_ACCESS_KEY_ID", "access", "AWS_SECRET_ACCESS_KEY", "secret"),
        64));
  }

  static StorageLocation target(String prefix) {
    return new StorageLocation(StorageType.S3, BUCKET, prefix);
  }

  static CleanSettings settings(long pageSize, Boolean disableBatch) {
    CleanOption o = new CleanOption();
    o.pageSize = pageSize;
    o.disableBatchConcurrency = disableBatch;
    return CleanSettings.of(o);
  }

  void assertOnlySentinelsLeft() {
    assertThat(keys(admin, BUCKET)).containsExactlyInAnyOrderElementsOf(sentinels);
    assertThat(keys(admin, OTHER)).hasSize(2);
  }

  @Test
  void batchModeDeletesEverythingUnderThePrefixWithOneDeleteObjectsPerThousandKeys() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target(PREFIX), settings(1000, null), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.error()).isNull();
      assertThat(r.listed()).isEqualTo(N);
      assertThat(r.deleted()).isEqualTo(N);
      assertThat(r.failed()).isZero();
      assertThat(r.requests().get("delete")).isEqualTo(3); // ceil(2345/1000) DeleteObjects
      assertThat(r.requests().get("list")).isEqualTo(3 + 1); // 3 pages + the verification listing
    }
    assertOnlySentinelsLeft();
  }

  @Test
  void perObjectModeWhenBatchIsDisabled() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target(PREFIX), settings(500, true), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.deleted()).isEqualTo(N);
      assertThat(r.requests().get("delete")).isEqualTo(N);
    }
    assertOnlySentinelsLeft();
  }

  @Test
  void dryRunListsAndDeletesNothing() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target(PREFIX), settings(1000, null), true);
      assertThat(r.listed()).isEqualTo(N);
      assertThat(r.deleted()).isZero();
      assertThat(r.requests().get("delete")).isZero();
    }
    assertThat(keys(admin, BUCKET)).hasSize(N + sentinels.size());
  }

  @Test
  void bucketRootAndSlashArerefusedBeforeAnyRequest() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      for (String bad : new String[] {"", "/", "//", null}) {
        assertThatThrownBy(() -> new CleanEngine().clean(store, target(bad), settings(1000, null), false))
            .isInstanceOf(PrefixGuard.UnsafePrefixException.class).hasMessageContaining("prefix is empty");
      }
      assertThat(store.requests().list()).isZero();
    }
    assertThat(keys(admin, BUCKET)).hasSize(N + sentinels.size());
  }

  @Test
  void aPrefixWithSlashesIsTheSameDirectory() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target("/" + PREFIX + "/"), settings(10000, null), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.deleted()).isEqualTo(N);
    }
    assertOnlySentinelsLeft();
  }

  @Test
  void anEmptyPrefixDirectoryIsVerifiedCleanWithOneListing() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target("tidb/basic/never-written"), settings(1000, null), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.deleted()).isZero();
    }
    assertThat(keys(admin, BUCKET)).hasSize(N + sentinels.size());
  }
}
