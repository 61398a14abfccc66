package io.tidbbackup.storage;

import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.S3StorageProvider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3 and S3-compatible stores (AWS SDK v2). Region, endpoint and path style as TiDB Operator does
 * them; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else the default chain (IRSA,
 * instance profile).
 */
public final class S3Store implements ObjectStore {
  /** Separates key and version id in the keys of a versioned bucket (never part of an S3 key). */
  static final char VERSION_SEPARATOR = '\u0000';

  private final S3Client client;
  private final String bucket;
  private final RequestCounts requests = new RequestCounts();
  private volatile Boolean versioned;

  public S3Store(S3Client client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  public static S3Store open(S3StorageProvider s3, StoreOptions o) {
    return new S3Store(client(s3, o), s3.bucket);
  }

  /**
   * The SDK client a store of {@code s3} talks through: its connection pool, timeouts of each
   * attempt and of each call, credentials and addressing style.
   */
  public static S3Client client(S3StorageProvider s3, StoreOptions o) {
    String region = s3.region == null || s3.region.isEmpty() ? "us-east-1" : s3.region;
    var b =
        S3Client.builder()
            .region(Region.of(region))
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .maxConnections(Math.max(16, o.maxConnections()))
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60)))
            .overrideConfiguration(
                c -> c.apiCallAttemptTimeout(o.attemptTimeout()).apiCallTimeout(o.callTimeout()))
            .credentialsProvider(credentials(o))
            .forcePathStyle(pathStyle(s3));
    if (s3.endpoint != null && !s3.endpoint.isEmpty()) {
      b.endpointOverride(URI.create(s3.endpoint));
    }
    return b.build();
  }

  /**
   * Path style by default (S3-compatible stores), virtual-hosted for AWS without endpoint and for
   * Alibaba/NetEase.
   */
  static boolean pathStyle(S3StorageProvider s3) {
    if (s3.forcePathStyle != null) {
      return s3.forcePathStyle;
    }
    String p = s3.provider == null ? "" : s3.provider.toLowerCase();
    if (p.equals("alibaba") || p.equals("netease")) {
      return false;
    }
    return !(p.equals("aws") && (s3.endpoint == null || s3.endpoint.isEmpty()));
  }

  /** Static keys from the Job's env when set, else (where allowed) the default chain (IRSA). */
  public static AwsCredentialsProvider credentials(StoreOptions o) {
    String id = o.get(JobEnv.AWS_ACCESS_KEY_ID);
    String secret = o.get(JobEnv.AWS_SECRET_ACCESS_KEY);
    if (id != null && secret != null) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }
    if (!o.ambientCredentials()) {
      throw StoreOptions.noAmbientCredentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @Override
  public String describe() {
    return "s3://" + bucket;
  }

  /**
   * Whether the bucket keeps versions (versioning Enabled or Suspended): then every version and
   * delete marker under the prefix is listed and deleted, so nothing of the backup survives as a
   * non-current version.
   */
  boolean versioned() throws IOException {
    if (versioned == null) {
      try {
        var status = client.getBucketVersioning(b -> b.bucket(bucket)).statusAsString();
        versioned = status != null && !status.isEmpty();
      } catch (SdkException probe) {
        // A denied (IAM often lacks s3:GetBucketVersioning) or failed probe says nothing: assuming
        // "unversioned" would leave every old version behind and still call the prefix empty.
        versioned = versionsListable(probe);
      }
    }
    return versioned;
  }

  /**
   * After a failed versioning probe: true when the store lists versions (then all are listed and
   * deleted, which is right for an unversioned bucket too); false only for a store that has no
   * versioning API at all (501 to both calls), which keeps no versions.
   */
  private boolean versionsListable(SdkException probe) throws IOException {
    try {
      requests.listed();
      client.listObjectVersions(b -> b.bucket(bucket).maxKeys(1));
      return true;
    } catch (SdkException list) {
      if (notImplemented(probe) && notImplemented(list)) {
        return false;
      }
      throw new IOException(
          "cannot tell whether "
              + describe()
              + " keeps old versions (GetBucketVersioning: "
              + probe.getMessage()
              + "; ListObjectVersions: "
              + list.getMessage()
              + "); grant s3:GetBucketVersioning and s3:ListBucketVersions to the clean",
          list);
    }
  }

  private static boolean notImplemented(SdkException e) {
    return e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3
        && (s3.statusCode() == 501
            || (s3.awsErrorDetails() != null
                && "NotImplemented".equals(s3.awsErrorDetails().errorCode())));
  }

  /** Up to {@code max} keys: as many list requests (1000 keys each) as that takes. */
  @Override
  public ListPage list(String keyPrefix, String token, int max) throws IOException {
    return versioned() ? listVersions(keyPrefix, token, max) : listCurrent(keyPrefix, token, max);
  }

  private ListPage listCurrent(String keyPrefix, String token, int max) throws IOException {
    return ListPage.gather(
        token,
        max,
        1000,
        (next, want) -> {
          requests.listed();
          try {
            ListObjectsV2Response r =
                client.listObjectsV2(
                    b ->
                        b.bucket(bucket)
                            .prefix(keyPrefix)
                            .maxKeys(want)
                            .continuationToken(next)
                            // XML 1.0 cannot carry a key with a control character: without this one
                            // such key breaks every listing (the SDK decodes the keys again)
                            .encodingType(
                                software.amazon.awssdk.services.s3.model.EncodingType.URL));
            List<String> keys = new ArrayList<>(r.contents().size());
            r.contents().forEach(o -> keys.add(o.key()));
            boolean truncated = Boolean.TRUE.equals(r.isTruncated());
            if (truncated && r.nextContinuationToken() == null) {
              // "more" with no way to ask for it: taking it as the end would count what remains
              // as nothing and report a clean verified that is not
              throw new IOException(
                  "listing "
                      + describe()
                      + "/"
                      + keyPrefix
                      + ": the store said the listing is truncated but sent no continuation"
                      + " token");
            }
            return new ListPage(keys, truncated ? r.nextContinuationToken() : null);
          } catch (SdkException e) {
            throw new IOException(
                "listing " + describe() + "/" + keyPrefix + ": " + e.getMessage(), e);
          }
        });
  }

  /**
   * Versions and delete markers, each as {@code key + '\0' + versionId}; the token is the two
   * markers.
   */
  private ListPage listVersions(String keyPrefix, String token, int max) throws IOException {
    return ListPage.gather(
        token,
        max,
        1000,
        (next, want) -> {
          requests.listed();
          String keyMarker =
              next == null ? null : next.substring(0, next.indexOf(VERSION_SEPARATOR));
          String versionMarker =
              next == null ? "" : next.substring(next.indexOf(VERSION_SEPARATOR) + 1);
          try {
            ListObjectVersionsResponse r =
                client.listObjectVersions(
                    b ->
                        b.bucket(bucket)
                            .encodingType(software.amazon.awssdk.services.s3.model.EncodingType.URL)
                            .prefix(keyPrefix)
                            .maxKeys(want)
                            .keyMarker(keyMarker)
                            .versionIdMarker(versionMarker.isEmpty() ? null : versionMarker));
            List<String> keys = new ArrayList<>();
            r.versions().forEach(v -> keys.add(v.key() + VERSION_SEPARATOR + v.versionId()));
            r.deleteMarkers().forEach(m -> keys.add(m.key() + VERSION_SEPARATOR + m.versionId()));
            return new ListPage(
                keys,
                Boolean.TRUE.equals(r.isTruncated())
                    ? r.nextKeyMarker()
                        + VERSION_SEPARATOR
                        + (r.nextVersionIdMarker() == null ? "" : r.nextVersionIdMarker())
                    : null);
          } catch (SdkException e) {
            throw new IOException(
                "listing versions of " + describe() + "/" + keyPrefix + ": " + e.getMessage(), e);
          }
        });
  }

  static ObjectIdentifier identifier(String key) {
    int i = key.indexOf(VERSION_SEPARATOR);
    return i < 0
        ? ObjectIdentifier.builder().key(key).build()
        : ObjectIdentifier.builder()
            .key(key.substring(0, i))
            .versionId(key.substring(i + 1))
            .build();
  }

  static String keyOf(String key, String versionId) {
    return versionId == null || versionId.isEmpty() ? key : key + VERSION_SEPARATOR + versionId;
  }

  @Override
  public boolean supportsBatchDelete() {
    return true;
  }

  @Override
  public BatchDeleteResult deleteBatch(List<String> keys) throws IOException {
    // A key XML 1.0 cannot carry would make the whole DeleteObjects request malformed, round after
    // round: such keys are deleted one per request (the URL carries them), the rest in the batch.
    List<String> unsafe = keys.stream().filter(S3Store::notXmlSafe).toList();
    if (!unsafe.isEmpty()) {
      List<String> deleted = new ArrayList<>();
      Map<String, String> errors = new LinkedHashMap<>();
      for (String k : unsafe) {
        try {
          delete(k);
          deleted.add(k);
        } catch (IOException e) {
          errors.put(k, e.getMessage());
        }
      }
      List<String> rest = keys.stream().filter(k -> !notXmlSafe(k)).toList();
      if (!rest.isEmpty()) {
        BatchDeleteResult r = deleteBatch(rest);
        deleted.addAll(r.deleted());
        errors.putAll(r.errors());
      }
      return new BatchDeleteResult(deleted, errors);
    }
    requests.deleted();
    List<ObjectIdentifier> ids = new ArrayList<>(keys.size());
    keys.forEach(k -> ids.add(identifier(k)));
    try {
      // quiet: S3 answers with the keys it could not delete only (every other key it deleted, or
      // found absent), not with a <Deleted> element per key, a thousand to parse per request
      // (about 7 % of the cleaner's time on a fast store). Whatever a store says, the round's
      // verifying listing decides whether the prefix is empty.
      DeleteObjectsResponse r =
          client.deleteObjects(
              b -> b.bucket(bucket).delete(Delete.builder().objects(ids).quiet(true).build()));
      boolean v = keys.stream().anyMatch(k -> k.indexOf(VERSION_SEPARATOR) >= 0);
      Map<String, String> errors = new LinkedHashMap<>();
      for (S3Error e : r.errors()) {
        errors.put(
            v ? keyOf(e.key(), e.versionId()) : e.key(),
            "code:" + e.code() + " msg:" + e.message());
      }
      if (!errors.isEmpty() && !new java.util.HashSet<>(keys).containsAll(errors.keySet())) {
        // an error for a key this request did not name (a store that answers in another form):
        // nothing of the chunk counts as deleted; the next round lists what is left
        return new BatchDeleteResult(List.of(), errors);
      }
      List<String> deleted = new ArrayList<>(keys.size());
      for (String k : keys) {
        if (!errors.containsKey(k)) {
          deleted.add(k);
        }
      }
      // a store that ignores quiet lists what it deleted as well: those keys were counted above
      return new BatchDeleteResult(deleted, errors);
    } catch (S3Exception e) {
      if (throttled(e)) {
        throw new StoreThrottledException(
            "DeleteObjects on "
                + describe()
                + ": throttled ("
                + e.statusCode()
                + " "
                + code(e)
                + ")",
            e);
      }
      if (batchUnsupported(e)) {
        throw new BatchDeleteUnsupportedException(
            describe()
                + " rejects DeleteObjects ("
                + e.statusCode()
                + " "
                + code(e)
                + "): deleting one object per request");
      }
      throw new IOException("DeleteObjects on " + describe() + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("DeleteObjects on " + describe() + ": " + e.getMessage(), e);
    }
  }

  /** A character XML 1.0 cannot hold (control characters but tab, line feed, carriage return). */
  static boolean notXmlSafe(String key) {
    for (int i = 0; i < key.length(); i++) {
      char ch = key.charAt(i);
      if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || ch == 0xFFFE || ch == 0xFFFF) {
        return true;
      }
    }
    return false;
  }

  /** S3's {@code 503 SlowDown}, a {@code 429}, or a throttling code of an S3-compatible store. */
  static boolean throttled(S3Exception e) {
    String code = code(e);
    return e.statusCode() == 503
        || e.statusCode() == 429
        || "SlowDown".equals(code)
        || "Throttling".equals(code)
        || "ThrottlingException".equals(code)
        || "RequestLimitExceeded".equals(code)
        || "TooManyRequests".equals(code);
  }

  /** 501 / NotImplemented, or a store that demands Content-MD5 (some S3-compatible stores). */
  static boolean batchUnsupported(S3Exception e) {
    String code = code(e);
    String msg = String.valueOf(e.getMessage());
    return e.statusCode() == 501
        || "NotImplemented".equals(code)
        || msg.contains("Content-MD5")
        || "MissingContentMD5".equals(code);
  }

  static String code(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
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
    requests.deleted();
    try {
      ObjectIdentifier id = identifier(key);
      client.deleteObject(b -> b.bucket(bucket).key(id.key()).versionId(id.versionId()));
    } catch (S3Exception e) {
      if (throttled(e)) {
        throw new StoreThrottledException(
            "DeleteObject " + key + ": throttled (" + e.statusCode() + " " + code(e) + ")", e);
      }
      if (e.statusCode() != 404) {
        throw new IOException("DeleteObject " + key + ": " + e.getMessage(), e);
      }
    } catch (SdkException e) {
      throw new IOException("DeleteObject " + key + ": " + e.getMessage(), e);
    }
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
