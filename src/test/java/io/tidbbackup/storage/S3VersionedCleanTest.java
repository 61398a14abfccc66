package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * A versioned bucket on moto's S3 server: every version and every delete marker under the prefix is
 * removed (a bucket that still holds old versions is not clean: they are billed and restorable),
 * and nothing outside it.
 */
class S3VersionedCleanTest {
  static final String PREFIX = "tidb/basic/backup-1";

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void allVersionsAndDeleteMarkersUnderThePrefixAreRemoved(boolean perObject) throws Exception {
    String bucket = "vbk-" + perObject;
    try (TestingMoto moto = TestingMoto.start();
        S3Client s3 = moto.client()) {
      s3.createBucket(b -> b.bucket(bucket));
      s3.putBucketVersioning(
          b ->
              b.bucket(bucket)
                  .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      List<String> targets = BackupLayout.snapshotKeys(PREFIX, 700);
      for (int i = 0; i < targets.size(); i++) {
        String key = targets.get(i);
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v1"));
        if (i % 2 == 0) {
          s3.putObject(
              b -> b.bucket(bucket).key(key), RequestBody.fromString("v2")); // a second version
        }
        if (i % 7 == 0) {
          s3.deleteObject(
              b ->
                  b.bucket(bucket).key(key)); // deleted by hand earlier: a delete marker is current
        }
      }
      for (String key : BackupLayout.siblingSentinels("tidb/basic", "backup-1")) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v1"));
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v2"));
      }
      List<String> outside =
          versions(s3, bucket).stream().filter(v -> !v.startsWith(PREFIX + "/")).toList();
      assertThat(outside).isNotEmpty();
      S3StorageProvider p = new S3StorageProvider();
      p.provider = "minio";
      p.bucket = bucket;
      p.endpoint = moto.endpoint();
      CleanOption o = new CleanOption();
      o.pageSize = 400L;
      o.disableBatchConcurrency = perObject;
      try (S3Store store =
          S3Store.open(
              p,
              new StoreOptions(
                  Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"), 16))) {
        CleanReport r =
            new CleanEngine()
                .clean(
                    store,
                    new StorageLocation(StorageType.S3, bucket, PREFIX),
                    CleanSettings.of(o),
                    false);
        assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
        assertThat(r.deleted())
            .isEqualTo(700 + 350 + 100); // versions, second versions, delete markers
      }
      assertThat(versions(s3, bucket)).containsExactlyInAnyOrderElementsOf(outside);
    }
  }

  /**
   * IAM often lacks s3:GetBucketVersioning. A denied probe used to mean "unversioned": delete
   * markers were added, every old version stayed, and the clean said "verified". Now the versions
   * are listed anyway and all removed; when they cannot be listed either, the clean fails naming
   * the permissions, and nothing is deleted.
   */
  @org.junit.jupiter.api.Test
  void aDeniedVersioningProbeNeverPassesForUnversioned() throws Exception {
    String bucket = "vbk-denied";
    try (TestingMoto moto = TestingMoto.start();
        S3Client s3 = moto.client();
        FaultProxy proxy = new FaultProxy(moto.endpoint())) {
      s3.createBucket(b -> b.bucket(bucket));
      s3.putBucketVersioning(
          b ->
              b.bucket(bucket)
                  .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      List<String> targets = BackupLayout.snapshotKeys(PREFIX, 50);
      for (String key : targets) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v1"));
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v2"));
      }
      for (String key : BackupLayout.siblingSentinels("tidb/basic", "backup-1")) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v1"));
      }
      List<String> outside =
          versions(s3, bucket).stream().filter(v -> !v.startsWith(PREFIX + "/")).toList();
      S3StorageProvider p = new S3StorageProvider();
      p.provider = "minio";
      p.bucket = bucket;
      p.endpoint = proxy.uri();

      proxy.denyVersioningProbe = true;
      proxy.denyVersionListing = true;
      CleanReport refused = clean(p, bucket);
      assertThat(refused.verified()).isFalse();
      assertThat(refused.error()).contains("s3:GetBucketVersioning", "s3:ListBucketVersions");
      assertThat(versions(s3, bucket)).hasSize(100 + outside.size()); // nothing deleted

      proxy.denyVersionListing = false; // the probe is still denied
      CleanReport r = clean(p, bucket);
      assertThat(r.verified()).as(String.valueOf(r.error())).isTrue();
      assertThat(versions(s3, bucket)).containsExactlyInAnyOrderElementsOf(outside);
    }
  }

  static CleanReport clean(S3StorageProvider p, String bucket) throws Exception {
    CleanOption o = new CleanOption();
    o.retryCount = 1;
    try (S3Store store =
        S3Store.open(
            p,
            new StoreOptions(Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"), 16))) {
      return new CleanEngine()
          .clean(
              store,
              new StorageLocation(StorageType.S3, bucket, PREFIX),
              CleanSettings.of(o),
              false);
    }
  }

  /** Every version and delete marker in the bucket, as {@code key@versionId}. */
  static List<String> versions(S3Client s3, String bucket) {
    List<String> out = new ArrayList<>();
    for (var page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket))) {
      page.versions().forEach(v -> out.add(v.key() + "@" + v.versionId()));
      page.deleteMarkers().forEach(m -> out.add(m.key() + "@" + m.versionId()));
    }
    return out;
  }
}
