package io.tidbbackup.storage;

import static io.tidbbackup.storage.S3VersionKeys.VERSION_SEPARATOR;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * Listing an S3 bucket under a prefix for {@link S3Store}: the current objects (ListObjectsV2) or,
 * in a bucket that keeps versions, every version and delete marker (ListObjectVersions) as the keys
 * of {@link S3VersionKeys}. Whether the bucket keeps versions is asked once, and a probe that fails
 * is never taken for "unversioned". Apart from the store so that the two listings and the probe are
 * read together; the store gives what it holds (client, bucket, its description, its counts).
 */
final class S3Listing {
  private final S3Client client;
  private final String bucket;
  private final String where;
  private final RequestCounts requests;
  private volatile Boolean versioned;

  /**
   * @param where the store as its messages name it ({@code s3://bucket})
   * @param requests the store's counts, one list request per call to the store
   */
  S3Listing(S3Client client, String bucket, String where, RequestCounts requests) {
    this.client = client;
    this.bucket = bucket;
    this.where = where;
    this.requests = requests;
  }

  /** Up to {@code max} keys: as many list requests (1000 keys each) as that takes. */
  ListPage list(String keyPrefix, String token, int max) throws IOException {
    return versioned() ? listVersions(keyPrefix, token, max) : listCurrent(keyPrefix, token, max);
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
              + where
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
                      + where
                      + "/"
                      + keyPrefix
                      + ": the store said the listing is truncated but sent no continuation"
                      + " token");
            }
            return new ListPage(keys, truncated ? r.nextContinuationToken() : null);
          } catch (SdkException e) {
            throw new IOException("listing " + where + "/" + keyPrefix + ": " + e.getMessage(), e);
          }
        });
  }

  /**
   * One request of ListObjectsV2 with the delimiter '/': the keys directly under {@code dir} and
   * the common prefixes below it (a bucket without versions only: {@link S3Store#listsByLevel}).
   */
  ListPage listLevel(String dir, String token, int max) throws IOException {
    requests.listed();
    try {
      ListObjectsV2Response r =
          client.listObjectsV2(
              b ->
                  b.bucket(bucket)
                      .prefix(dir)
                      .delimiter("/")
                      .maxKeys(Math.min(max, 1000))
                      .continuationToken(token)
                      .encodingType(software.amazon.awssdk.services.s3.model.EncodingType.URL));
      List<String> keys = new ArrayList<>(r.contents().size());
      r.contents().forEach(o -> keys.add(o.key()));
      List<String> prefixes = new ArrayList<>(r.commonPrefixes().size());
      r.commonPrefixes().forEach(p -> prefixes.add(p.prefix()));
      boolean truncated = Boolean.TRUE.equals(r.isTruncated());
      if (truncated && r.nextContinuationToken() == null) {
        throw new IOException(
            "listing "
                + where
                + "/"
                + dir
                + ": the store said the listing is truncated but sent no continuation token");
      }
      return new ListPage(keys, truncated ? r.nextContinuationToken() : null, prefixes);
    } catch (SdkException e) {
      throw new IOException("listing " + where + "/" + dir + ": " + e.getMessage(), e);
    }
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
                "listing versions of " + where + "/" + keyPrefix + ": " + e.getMessage(), e);
          }
        });
  }
}
