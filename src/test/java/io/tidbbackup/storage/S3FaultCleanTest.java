package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The cleaner through a fault-injecting proxy in front of s3proxy: it still ends verified-empty, or
 * reports the failure honestly after retryCount rounds; nothing outside the prefix is ever touched.
 */
class S3FaultCleanTest {
  static final String BUCKET = "backups";
  static final String PREFIX = "tidb/basic/backup-1";
  static final int N = 1500;

  // no signature check: the proxy changes the Host the client signed
  @RegisterExtension
  final S3ProxyExtension s3proxy =
      S3ProxyExtension.builder()
          .withCredentials(AuthenticationType.NONE, "access", "secret")
          .withBlobStoreProvider("transient")
          .build();

  S3Client admin;
  FaultProxy proxy;
  List<String> sentinels;

  @BeforeEach
  void fill() throws Exception {
    admin = TestingS3.client(s3proxy.getUri().toString());
    admin.createBucket(b -> b.bucket(BUCKET));
    TestingS3.put(admin, BUCKET, BackupLayout.snapshotKeys(PREFIX, N));
    sentinels = BackupLayout.siblingSentinels("tidb/basic", "backup-1");
    TestingS3.put(admin, BUCKET, sentinels);
    proxy = new FaultProxy(s3proxy.getUri().toString());
  }

  @AfterEach
  void close() {
    proxy.close();
    admin.close();
  }

  S3Store store() {
    S3StorageProvider p = new S3StorageProvider();
    p.provider = "ceph";
    p.bucket = BUCKET;
    p.endpoint = proxy.uri();
    return S3Store.open(
        p,
        new StoreOptions(
            Map.of("AWS_ACCESS_KEY_ID", "access", "AWS_SECRET_ACCESS_KEY", "secret"), 32));
  }

  static CleanSettings settings(int retryCount, boolean backoff) {
    CleanOption o = new CleanOption();
    o.pageSize = 500L;
    o.retryCount = retryCount;
    o.backoffEnabled = backoff;
    return CleanSettings.of(o);
  }

  CleanReport clean(CleanSettings s, CleanEngine engine) throws Exception {
    try (S3Store store = store()) {
      return engine.clean(store, new StorageLocation(StorageType.S3, BUCKET, PREFIX), s, false);
    }
  }

  void assertOnlySentinelsLeft() {
    assertThat(TestingS3.keys(admin, BUCKET)).containsExactlyInAnyOrderElementsOf(sentinels);
  }

  @Test
  void slowDownOnSomeRequestsIsRetried() throws Exception {
    proxy.slowDownEvery = 3;
    CleanReport r = clean(settings(5, false), new CleanEngine());
    assertThat(r.verified()).as(proxy.summary().toString()).isTrue();
    assertThat(proxy.faults.get()).isPositive();
    assertOnlySentinelsLeft();
  }

  @Test
  void droppedConnectionsAreRetried() throws Exception {
    proxy.dropEvery = 4;
    CleanReport r = clean(settings(5, false), new CleanEngine());
    assertThat(r.verified()).as(proxy.summary().toString()).isTrue();
    assertThat(proxy.faults.get()).isPositive();
    assertOnlySentinelsLeft();
  }

  @Test
  void perKeyErrorsOfDeleteObjectsAreRetriedInTheNextRoundWithBackoff() throws Exception {
    proxy.deleteObjectsErrorEvery = 2;
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    CleanReport r = clean(settings(5, true), new CleanEngine((l, d, f) -> {}, sleeps::add));
    assertThat(r.verified()).isTrue();
    assertThat(r.rounds()).isGreaterThan(1);
    assertThat(sleeps).isNotEmpty().allMatch(d -> d.toMillis() >= 100 && d.toMillis() <= 1000);
    assertThat(sleeps.get(0)).isEqualTo(Duration.ofMillis(100));
    assertOnlySentinelsLeft();
  }

  /**
   * DeleteObjects is sent quiet (S3 names only the keys it could not delete): a key counts as
   * deleted when its request answered without an error for it, and once only.
   */
  @Test
  void aQuietDeleteCountsEveryKeyOnceAndOnlyThoseItDidNotRefuse() throws Exception {
    proxy.deleteObjectsErrorEvery = 2;
    CleanReport r = clean(settings(5, false), new CleanEngine());
    assertThat(r.verified()).isTrue();
    // some keys were refused (in the next round or, with the side-by-side listings, the same one
    // they are sent again: when depends on which keys share a request)
    assertThat(proxy.faults.get()).as(proxy.summary().toString()).isPositive();
    assertThat(r.deleted()).isEqualTo(N);
    assertOnlySentinelsLeft();
  }

  /**
   * An answer with an error for a key the request did not name says nothing reliable about the keys
   * it did: none of them counts as deleted, and the next round lists what is left.
   */
  @Test
  void anErrorForAKeyTheRequestDidNotNameCountsNothingOfItsChunk() throws Exception {
    proxy.deleteObjectsForeignErrorEvery = 2;
    CleanReport r = clean(settings(5, false), new CleanEngine());
    assertThat(r.verified()).as(proxy.summary().toString()).isTrue();
    // the failed chunks need more rounds; how many depends on which keys share a DeleteObjects,
    // which the first round's listings side by side (one per store directory) decide
    assertThat(r.rounds()).isBetween(2, 5);
    assertThat(r.deleted()).as("each key counted once, when it was deleted").isEqualTo(N);
    assertOnlySentinelsLeft();
  }

  @Test
  void persistentFailuresEndInAnHonestErrorAfterRetryCountRounds() throws Exception {
    proxy.deleteObjectsErrorEvery = 1;
    CleanReport r = clean(settings(2, false), new CleanEngine());
    assertThat(r.verified()).isFalse();
    assertThat(r.rounds()).isEqualTo(2);
    assertThat(r.failed()).isPositive();
    assertThat(r.error())
        .contains(
            "remain under s3://backups/tidb/basic/backup-1", "after 2 round(s)", "InternalError")
        .as("the key that kept failing is named, as in per-object mode")
        .containsPattern("last error: tidb/basic/backup-1/\\S+: code:InternalError");
    assertThat(TestingS3.keys(admin, BUCKET)).hasSize(N + sentinels.size());
  }

  @Test
  void aStoreWithoutDeleteObjectsFallsBackToPerObjectDeletes() throws Exception {
    proxy.noDeleteObjects = true;
    CleanReport r = clean(settings(3, false), new CleanEngine());
    assertThat(r.verified()).isTrue();
    assertThat(r.fallback()).isTrue();
    assertThat(proxy.deleteRequests.get()).isEqualTo(N);
    assertOnlySentinelsLeft();
  }

  /**
   * A store that answers every listing "truncated", with no keys and the same token (seen asking
   * 1,174 times a minute): each round's listing fails at the second request, the clean ends
   * unverified after retryCount rounds saying why, and nothing is deleted, inside the prefix or
   * out.
   */
  @Test
  void aListingThatRepeatsItsTokenWithNoKeysFailsInsteadOfLoopingForEver() throws Exception {
    proxy.repeatedListToken = "1-same-token";
    CleanReport r = clean(settings(2, false), new CleanEngine());
    assertThat(r.verified()).isFalse();
    assertThat(r.rounds()).isEqualTo(2);
    assertThat(r.failed()).isPositive();
    assertThat(r.error())
        .contains(
            "s3://backups/tidb/basic/backup-1",
            "continuation token \"1-same-token\" twice in one listing");
    // per round: the first request and the one that got the token back; then the count of what
    // remains, which fails the same way
    assertThat(proxy.listRequests.get()).as(proxy.summary().toString()).isEqualTo(2 * 2 + 2);
    assertThat(proxy.deleteObjectsRequests.get() + proxy.deleteRequests.get()).isZero();
    assertThat(TestingS3.keys(admin, BUCKET)).hasSize(N + sentinels.size()).containsAll(sentinels);
  }

  /**
   * A store that says "truncated" with no token to go on: not the end of the listing. Taken as the
   * end, the count of what remains would be zero and the clean "verified" with every object still
   * there; it is a failed listing instead, and nothing is deleted.
   */
  @Test
  void aTruncatedListingWithoutATokenIsAFailedListingNotTheEnd() throws Exception {
    proxy.truncatedWithoutToken = true;
    CleanReport r = clean(settings(2, false), new CleanEngine());
    assertThat(r.verified()).isFalse();
    assertThat(r.failed()).isPositive();
    assertThat(r.error()).contains("truncated but sent no continuation token");
    assertThat(proxy.deleteObjectsRequests.get() + proxy.deleteRequests.get()).isZero();
    assertThat(TestingS3.keys(admin, BUCKET)).hasSize(N + sentinels.size()).containsAll(sentinels);
  }

  /**
   * A listing that trickles in a byte at a time never trips the socket timeout; the attempt and
   * call timeouts end it, so the clean ends unverified instead of waiting for ever. (The JUnit
   * timeout only keeps a regression from hanging the build; nothing here measures speed.)
   */
  @Test
  @org.junit.jupiter.api.Timeout(180)
  void aListingThatTricklesInIsAbandonedByTheCallTimeouts() throws Exception {
    proxy.trickleListMillisPerByte = 200; // a page of 500 keys would take over an hour
    S3StorageProvider p = new S3StorageProvider();
    p.provider = "ceph";
    p.bucket = BUCKET;
    p.endpoint = proxy.uri();
    try (S3Store store =
        S3Store.open(
            p,
            new StoreOptions(
                Map.of("AWS_ACCESS_KEY_ID", "access", "AWS_SECRET_ACCESS_KEY", "secret"),
                32,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5)))) {
      CleanReport r =
          new CleanEngine()
              .clean(
                  store,
                  new StorageLocation(StorageType.S3, BUCKET, PREFIX),
                  settings(1, false),
                  false);
      assertThat(r.verified()).isFalse();
      assertThat(r.error()).containsIgnoringCase("timeout");
    }
    assertThat(TestingS3.keys(admin, BUCKET)).hasSize(N + sentinels.size());
  }
}
