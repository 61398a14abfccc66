package io.tidbbackup.operator.backup.clean;

import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.operator.job.CleanJobBuilder;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.surface.ApiSurface;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Pure: which Secrets a Backup's clean needs kept until it is done. A Backup needs them while
 * deleting it would delete its data ({@link CleanPolicies#deletesData}: {@code cleanPolicy:
 * Delete}, or {@code OnFailure} once the backup failed), unless the skip-clean annotation says the
 * data is kept, and, once it is being deleted, while it still carries its finalizer (its clean in
 * flight). The Secrets are those its clean Job refers to ({@link CleanJobBuilder#secretNames}).
 * Read as cached objects are (the CRD's defaults may be missing: no cleanPolicy is Retain).
 */
public final class SecretNeeds {
  private SecretNeeds() {}

  /** Whether the clean of {@code b} needs its Secrets now. */
  public static boolean needsHold(Backup b) {
    if (b == null || b.getSpec() == null || b.getMetadata() == null) {
      return false;
    }
    var annotations = b.getMetadata().getAnnotations();
    if (annotations != null && "true".equals(annotations.get(ApiConstants.SKIP_CLEAN_ANNOTATION))) {
      return false;
    }
    if (b.isMarkedForDeletion() && !b.hasFinalizer(ApiSurface.of(b).finalizer())) {
      return false;
    }
    return CleanPolicies.deletesData(b);
  }

  /** The Secrets of {@code b}'s clean Job; empty when it cannot be built (an unreadable spec). */
  public static SortedSet<String> secrets(Backup b, JobSettings settings) {
    if (b == null || b.getSpec() == null) {
      return new TreeSet<>();
    }
    try {
      return CleanJobBuilder.secretNames(b, settings);
    } catch (RuntimeException e) {
      return new TreeSet<>();
    }
  }

  /**
   * The index of a Backup informer's cache: "namespace/secret" for each Secret the Backup needs
   * held now, none when it needs none. Never throws (it runs on the informer's thread).
   */
  public static List<String> index(Backup b, JobSettings settings) {
    try {
      if (!needsHold(b)) {
        return List.of();
      }
      String ns = b.getMetadata().getNamespace();
      return secrets(b, settings).stream().map(s -> ns + "/" + s).toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }
}
