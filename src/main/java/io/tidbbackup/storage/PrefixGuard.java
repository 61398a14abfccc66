package io.tidbbackup.storage;

import java.util.Collection;
import java.util.Objects;

/**
 * The one check in front of every destructive storage call. A backup prefix is a directory: {@code
 * a/b} covers {@code a/b/…} and never {@code a/bc} or {@code a/b-old}. An empty prefix (the bucket
 * root) is refused, and so is a prefix that overlaps another live backup's.
 */
public final class PrefixGuard {

  private PrefixGuard() {}

  /** The key prefix to list and delete: the normalised prefix plus '/'. Refuses the bucket root. */
  public static String directory(StorageLocation loc) {
    String p = StorageLocation.clean(loc.prefix());
    if (p.isEmpty()) {
      throw new UnsafePrefixException(
          PrefixRefusal.EmptyPrefix,
          "refusing to clean "
              + loc.url()
              + ": the prefix is empty, which would be the whole bucket");
    }
    if (loc.bucket() == null || StorageLocation.clean(loc.bucket()).isEmpty()) {
      throw new UnsafePrefixException(
          PrefixRefusal.EmptyPrefix, "refusing to clean " + loc.url() + ": no bucket");
    }
    return p + "/";
  }

  /**
   * Fails unless {@code key} lies inside {@code directory}. The key equal to the directory itself
   * is the prefix's own folder marker (what the S3 and GCS consoles, s3fs and rclone create): it is
   * the backup's and is deleted with it.
   */
  public static void requireInside(String directory, String key) {
    if (!key.startsWith(directory)) {
      throw new UnsafePrefixException(
          PrefixRefusal.OutsidePrefix,
          "refusing to delete \"" + key + "\": not under \"" + directory + "\"");
    }
  }

  /** True when one location contains the other (same store and bucket, directory semantics). */
  public static boolean overlaps(StorageLocation a, StorageLocation b) {
    if (a.type() != b.type()
        || !Objects.equals(StorageLocation.clean(a.bucket()), StorageLocation.clean(b.bucket()))) {
      return false;
    }
    String pa = StorageLocation.clean(a.prefix());
    String pb = StorageLocation.clean(b.prefix());
    if (pa.isEmpty() || pb.isEmpty()) {
      return true; // a Backup at the bucket root holds everything in the bucket
    }
    return (pa + "/").startsWith(pb + "/") || (pb + "/").startsWith(pa + "/");
  }

  /** Fails when {@code target} overlaps any of {@code others} (other live backups' locations). */
  public static void requireNotShared(StorageLocation target, Collection<Named> others) {
    for (Named o : others) {
      if (overlaps(target, o.location())) {
        throw new UnsafePrefixException(
            PrefixRefusal.SharedPrefix,
            "refusing to clean "
                + target.url()
                + ": Backup "
                + o.name()
                + " uses "
                + o.location().url()
                + ", which overlaps it; delete or move that Backup first");
      }
    }
  }

  /** A location with the name of the object that uses it. */
  public record Named(String name, StorageLocation location) {}
}
