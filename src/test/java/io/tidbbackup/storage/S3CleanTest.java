package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageType;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The cleaner against a real S3 protocol server (s3proxy, in-memory), with sentinels that must
 * survive.
 */
class S3CleanTest {
  static final String BUCKET = "backups";
  static final String OTHER = "other-bucket";
  static final String PREFIX = "tidb/basic/backup-1";
  static final int N = 2345;

  @RegisterExtension
  final S3ProxyExtension s3proxy =
      S3ProxyExtension.builder()
          .withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret")
          .withBlobStoreProvider("transient")
          .build();

  S3Client admin;
  List<String> targets;
  List<String> sentinels;

  @BeforeEach
  void fill() throws Exception {
    admin = TestingS3.client(s3proxy.getUri().toString());
    admin.createBucket(b -> b.bucket(BUCKET));
    admin.createBucket(b -> b.bucket(OTHER));
    targets = BackupLayout.snapshotKeys(PREFIX, N);
    sentinels = BackupLayout.siblingSentinels("tidb/basic", "backup-1");
    TestingS3.put(admin, BUCKET, targets);
    TestingS3.put(admin, BUCKET, sentinels);
    TestingS3.put(admin, OTHER, List.of(PREFIX + "/backupmeta", PREFIX + "/1/1_2_x_default.sst"));
  }

  @AfterEach
  void close() {
    admin.close();
  }

  S3Store store(String endpoint) {
    S3StorageProvider p = new S3StorageProvider();
    p.provider = "minio";
    p.bucket = BUCKET;
    p.endpoint = endpoint;
    return S3Store.open(
        p,
        new StoreOptions(
            Map.of("AWS_ACCESS_KEY_ID", "access", "AWS_SECRET_ACCESS_KEY", "secret"), 64));
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
    assertThat(TestingS3.keys(admin, BUCKET)).containsExactlyInAnyOrderElementsOf(sentinels);
    assertThat(TestingS3.keys(admin, OTHER)).hasSize(2);
  }

  @Test
  void batchModeDeletesEverythingUnderThePrefixWithOneDeleteObjectsPerThousandKeys()
      throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      // default cleanOption: one page of up to 10000 keys, listed 1000 per request
      CleanReport r = new CleanEngine().clean(store, target(PREFIX), CleanSettings.of(null), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.error()).isNull();
      assertThat(r.listed()).isEqualTo(N);
      assertThat(r.deleted()).isEqualTo(N);
      assertThat(r.failed()).isZero();
      assertThat(r.requests().delete()).isEqualTo(3); // ceil(2345/1000) DeleteObjects
      // listed a level at a time: the prefix's own level (the lock, backupmeta and six
      // sub-prefixes), then each of 1/ to 5/ and checkpoints/ (under 1000 keys each: one request),
      // side by side; then the verification listing
      assertThat(r.requests().list()).isEqualTo(1 + 6 + 1);
    }
    assertOnlySentinelsLeft();
  }

  /**
   * A Dumpling backup made by TiDB Operator is one archive ({@code backupPath
   * <prefix>/backup-<time>.tgz}): its clean deletes that object, and nothing whose name merely
   * starts with it.
   */
  @Test
  void anArchiveBackupCleansItsOneObjectAndNoSiblingThatSharesItsName() throws Exception {
    String archive = "tidb/dump/backup-2024-01-01T00:00:00Z.tgz";
    List<String> siblings =
        List.of(
            archive + ".bak",
            archive + "x",
            "tidb/dump/backup-2024-01-01T00:00:00Z.tgz2/a",
            "tidb/dump/backup-2024-01-01T00:00:00Z");
    TestingS3.put(admin, BUCKET, List.of(archive));
    TestingS3.put(admin, BUCKET, siblings);
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r =
          new CleanEngine().clean(store, target(archive), CleanSettings.of(null), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.deleted()).isEqualTo(1);
      // cleaned again: nothing left to delete, still verified
      CleanReport again =
          new CleanEngine().clean(store, target(archive), CleanSettings.of(null), false);
      assertThat(again.verified()).isTrue();
      assertThat(again.deleted()).isZero();
    }
    assertThat(TestingS3.keys(admin, BUCKET))
        .doesNotContain(archive)
        .containsAll(siblings)
        .containsAll(sentinels)
        .containsAll(targets);
  }

  @Test
  void perObjectModeWhenBatchIsDisabled() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target(PREFIX), settings(500, true), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.deleted()).isEqualTo(N);
      assertThat(r.requests().delete()).isEqualTo(N);
    }
    assertOnlySentinelsLeft();
  }

  @Test
  void dryRunListsAndDeletesNothing() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target(PREFIX), settings(1000, null), true);
      assertThat(r.listed()).isEqualTo(N);
      assertThat(r.deleted()).isZero();
      assertThat(r.requests().delete()).isZero();
    }
    assertThat(TestingS3.keys(admin, BUCKET)).hasSize(N + sentinels.size());
  }

  @Test
  void bucketRootAndSlashArerefusedBeforeAnyRequest() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      for (String bad : new String[] {"", "/", "//", null}) {
        assertThatThrownBy(
                () -> new CleanEngine().clean(store, target(bad), settings(1000, null), false))
            .isInstanceOf(UnsafePrefixException.class)
            .hasMessageContaining("prefix is empty");
      }
      assertThat(store.requests().list()).isZero();
    }
    assertThat(TestingS3.keys(admin, BUCKET)).hasSize(N + sentinels.size());
  }

  @Test
  void aPrefixWithSlashesIsTheSameDirectory() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r =
          new CleanEngine().clean(store, target("/" + PREFIX + "/"), settings(10000, null), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.deleted()).isEqualTo(N);
    }
    assertOnlySentinelsLeft();
  }

  @Test
  void anEmptyPrefixDirectoryIsVerifiedCleanWithOneListing() throws Exception {
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r =
          new CleanEngine()
              .clean(store, target("tidb/basic/never-written"), settings(1000, null), false);
      assertThat(r.verified()).isTrue();
      assertThat(r.deleted()).isZero();
    }
    assertThat(TestingS3.keys(admin, BUCKET)).hasSize(N + sentinels.size());
  }

  /**
   * A folder marker at exactly PREFIX/ (what the S3 console, s3fs and rclone create) is the
   * prefix's own: it is deleted with the data, and the clean finishes, where it used to be refused
   * on every attempt.
   */
  @Test
  void aFolderMarkerAtThePrefixItselfIsDeletedAndTheCleanFinishes() throws Exception {
    TestingS3.put(admin, BUCKET, List.of(PREFIX + "/"));
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target(PREFIX), CleanSettings.of(null), false);
      assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
      assertThat(r.deleted()).isEqualTo(N + 1);
    }
    assertOnlySentinelsLeft();
  }

  /**
   * A key with a control character (or other XML-hostile text) is listed and deleted like any
   * other.
   */
  @Test
  void keysWithControlCharactersAreListedAndDeleted() throws Exception {
    List<String> odd = List.of(PREFIX + "/odd\u0001name", PREFIX + "/tab\tand space & <amp>.sst");
    TestingS3.put(admin, BUCKET, odd);
    try (S3Store store = store(s3proxy.getUri().toString())) {
      CleanReport r = new CleanEngine().clean(store, target(PREFIX), CleanSettings.of(null), false);
      assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
      assertThat(r.deleted()).isEqualTo(N + 2);
    }
    assertOnlySentinelsLeft();
  }
}
