package io.tidbbackup.storage;

import static io.tidbbackup.storage.S3VersionKeys.VERSION_SEPARATOR;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Deleting from an S3 bucket for {@link S3Store}: one object per DeleteObject, or a chunk per quiet
 * DeleteObjects (keys XML cannot carry split off to single deletes), and S3's answers mapped to
 * what the cleaner acts on: a throttled store ({@link StoreThrottledException}), a store without
 * DeleteObjects ({@link BatchDeleteUnsupportedException}), the per-key errors of a batch, else an
 * {@link IOException}. Apart from the store so that the batch and its error mapping are read
 * together; the store gives what it holds (client, bucket, its description, its counts).
 */
final class S3Deletes {
  private final S3Client client;
  private final String bucket;
  private final String where;
  private final RequestCounts requests;

  /**
   * @param where the store as its messages name it ({@code s3://bucket})
   * @param requests the store's counts, one delete request per DeleteObject or DeleteObjects
   */
  S3Deletes(S3Client client, String bucket, String where, RequestCounts requests) {
    this.client = client;
    this.bucket = bucket;
    this.where = where;
    this.requests = requests;
  }

  BatchDeleteResult deleteBatch(List<String> keys) throws IOException {
    // A key XML 1.0 cannot carry would make the whole DeleteObjects request malformed, round after
    // round: such keys are deleted one per request (the URL carries them), the rest in the batch.
    List<String> unsafe = keys.stream().filter(S3Deletes::notXmlSafe).toList();
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
    keys.forEach(k -> ids.add(S3VersionKeys.identifier(k)));
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
            v ? S3VersionKeys.keyOf(e.key(), e.versionId()) : e.key(),
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
            "DeleteObjects on " + where + ": throttled (" + e.statusCode() + " " + code(e) + ")",
            e);
      }
      if (batchUnsupported(e)) {
        throw new BatchDeleteUnsupportedException(
            where
                + " rejects DeleteObjects ("
                + e.statusCode()
                + " "
                + code(e)
                + "): deleting one object per request");
      }
      throw new IOException("DeleteObjects on " + where + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("DeleteObjects on " + where + ": " + e.getMessage(), e);
    }
  }

  void delete(String key) throws IOException {
    requests.deleted();
    try {
      ObjectIdentifier id = S3VersionKeys.identifier(key);
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
}
