package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.operator.job.Names;
import java.util.Map;
import java.util.Objects;

/**
 * Whose a tool Job is (pure): its controller owner reference's UID, or, for a clean Job, which has
 * no owner reference, its {@link Names#BACKUP_UID_ANNOTATION}.
 */
final class JobOwnership {
  private JobOwnership() {}

  /**
   * Whether {@code job} is {@code owner}'s: its controller owner reference carries the owner's UID,
   * or (a Job with no owner reference: a clean Job) its {@link Names#BACKUP_UID_ANNOTATION} does. A
   * Job without either is nobody's.
   */
  public static boolean belongsTo(Job job, HasMetadata owner) {
    String uid = owner.getMetadata().getUid();
    OwnerReference ref = controller(job);
    if (ref != null) {
      return Objects.equals(ref.getUid(), uid);
    }
    var refs = job.getMetadata().getOwnerReferences();
    return (refs == null || refs.isEmpty())
        && uid != null
        && uid.equals(annotation(job, Names.BACKUP_UID_ANNOTATION));
  }

  static OwnerReference controller(Job job) {
    var refs = job.getMetadata().getOwnerReferences();
    return refs == null
        ? null
        : refs.stream()
            .filter(r -> Boolean.TRUE.equals(r.getController()))
            .findFirst()
            .orElse(null);
  }

  static String annotation(Job job, String key) {
    Map<String, String> a = job.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  /**
   * Whether a Job that is not {@code owner}'s is an earlier object's: of the same group, kind and
   * name (a same-named object of the other API group, pingcap.com or br.pingcap.com, holds the
   * name: it is never waited for nor deleted).
   */
  static boolean ofEarlierObject(Job job, HasMetadata owner) {
    OwnerReference ref = controller(job);
    String group = io.tidbbackup.operator.surface.ApiSurface.of(owner).group();
    return ref != null
        ? ref.getKind().equals(owner.getKind())
            && ref.getName().equals(owner.getMetadata().getName())
            && ref.getApiVersion().startsWith(group + "/")
        : owner.getMetadata().getName().equals(annotation(job, Names.BACKUP_ANNOTATION))
            && group.equals(
                Objects.requireNonNullElse(
                    annotation(job, Names.BACKUP_GROUP_ANNOTATION),
                    io.tidbbackup.operator.surface.ApiSurface.V1.group()));
  }

  /** Who holds the name of a Job that is neither {@code owner}'s nor an earlier object's. */
  static String holder(Job job, HasMetadata owner) {
    OwnerReference ref = controller(job);
    String group = io.tidbbackup.operator.surface.ApiSurface.of(owner).group();
    if (ref != null) {
      // the group said when it is the other one (a same-named object of it)
      return ref.getKind()
          + (ref.getApiVersion().startsWith(group + "/")
              ? ""
              : "." + ref.getApiVersion().replaceAll("/.*", ""))
          + " "
          + ref.getName();
    }
    return annotation(job, Names.BACKUP_ANNOTATION) != null
        ? "the clean of another API group's Backup " + annotation(job, Names.BACKUP_ANNOTATION)
        : "no owner (created by hand?)";
  }
}
