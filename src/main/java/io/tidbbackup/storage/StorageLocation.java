package io.tidbbackup.storage;

import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.api.StorageType;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a backup lives: scheme, bucket (container, or local mount path) and a normalised prefix (no
 * leading or trailing slash, no empty segments).
 */
public record StorageLocation(StorageType type, String bucket, String prefix) {

  public StorageLocation {
    prefix = clean(prefix);
  }

  /**
   * The location a provider's bucket/container and prefix name, or null when no provider is set.
   */
  public static StorageLocation of(StorageProvider p) {
    StorageType type = p.storageType();
    if (type == null) {
      return null;
    }
    return switch (type) {
      case S3 -> new StorageLocation(type, p.s3.bucket, clean(p.s3.prefix));
      case GCS -> new StorageLocation(type, p.gcs.bucket, clean(p.gcs.prefix));
      case AZBLOB -> new StorageLocation(type, p.azblob.container, clean(p.azblob.prefix));
      case LOCAL ->
          new StorageLocation(
              type,
              p.local.volumeMount == null ? null : p.local.volumeMount.getMountPath(),
              clean(p.local.prefix));
    };
  }

  /**
   * The location to clean for a backup: its status.backupPath, which must be the provider's own
   * location or lie under it (a Dumpling export directory). Anything else is refused, so a
   * hand-edited status can never point the cleaner at other data.
   */
  public static StorageLocation target(StorageProvider spec, String backupPath) {
    StorageLocation base = of(spec);
    if (base == null) {
      throw new UnsafePrefixException(
          PrefixRefusal.NoStorage, "the Backup has no storage provider");
    }
    refuseInvalid("spec." + spec.storageType().field() + ".prefix", prefixOf(spec));
    if (backupPath == null || backupPath.isEmpty()) {
      return base;
    }
    String baseUrl = trimSlash(base.url());
    String path = trimSlash(backupPath);
    if (path.equals(baseUrl)) {
      return base;
    }
    if (path.startsWith(baseUrl + "/")) {
      String child = path.substring(baseUrl.length() + 1);
      refuseInvalid("status.backupPath", child);
      return base.child(child);
    }
    throw new UnsafePrefixException(
        PrefixRefusal.OutsidePrefix,
        "status.backupPath "
            + backupPath
            + " is not under the storage the spec names ("
            + base.url()
            + ")");
  }

  /** The prefix the spec's one storage provider names, as written (null when none is set). */
  public static String prefixOf(StorageProvider p) {
    StorageType type = p.storageType();
    if (type == null) {
      return null;
    }
    return switch (type) {
      case S3 -> p.s3.prefix;
      case GCS -> p.gcs.prefix;
      case AZBLOB -> p.azblob.prefix;
      case LOCAL -> p.local.prefix;
    };
  }

  private static void refuseInvalid(String field, String prefix) {
    io.tidbbackup.api.PrefixRules.problem(field, prefix)
        .ifPresent(
            m -> {
              throw new UnsafePrefixException(PrefixRefusal.InvalidPrefix, m);
            });
  }

  private static String trimSlash(String s) {
    String t = s;
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  /** This location with {@code child} appended to the prefix. */
  public StorageLocation child(String child) {
    return new StorageLocation(type, bucket, join(prefix, clean(child)));
  }

  /**
   * The URL as BR and TiDB Operator's status write it: {@code s3://b/p}, {@code gcs://b/p/}, {@code
   * azure://c/p/}, {@code local:///mount/p}.
   */
  public String url() {
    return switch (type) {
      case S3 -> "s3://" + join(clean(bucket), prefix);
      case GCS -> "gcs://" + join(clean(bucket), prefix) + "/";
      case AZBLOB -> "azure://" + join(clean(bucket), prefix) + "/";
      case LOCAL -> "local:///" + join(clean(bucket), prefix);
    };
  }

  /** Removes leading/trailing slashes and empty segments; null becomes "". */
  public static String clean(String path) {
    if (path == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty() && !s.equals(".")) {
        parts.add(s);
      }
    }
    return String.join("/", parts);
  }

  static String join(String a, String b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : a + "/" + b;
  }
}
