package io.tidbbackup.operator.validation;

import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.api.Timestamps;
import java.util.List;
import java.util.Optional;

/**
 * Pure validation of a Restore spec. The returned message names the field; it becomes condition
 * Invalid.
 */
public final class RestoreValidator {

  private RestoreValidator() {}

  /** All problems, in field order. Empty when the spec is valid. */
  public static List<String> problems(RestoreSpec spec, String tikvVersion) {
    List<String> errors = SpecValidator.newErrors();
    if (spec == null) {
      errors.add("spec is required");
      return errors;
    }
    boolean picked = spec.backupSource != null;
    if (picked) {
      backupSource(spec, errors);
    } else {
      // a TiDB Lightning restore may name its Dumpling export by path alone (s3.path, gcs.path)
      SpecValidator.storage("spec", spec, errors, spec.br == null);
    }
    SpecValidator.common("spec", spec, errors);
    boolean pitr = spec.restoreMode == RestoreMode.PITR;
    if (spec.br == null) {
      if (spec.to == null) {
        errors.add("spec.to is required for a TiDB Lightning restore (spec.br is not set)");
      } else {
        SpecValidator.tidbAccess("spec.to", spec.to, errors);
      }
      if (pitr) {
        errors.add(
            "spec.restoreMode pitr needs spec.br: point-in-time restores run BR on a log backup");
      }
      if (spec.prune != null) {
        errors.add("spec.prune needs spec.br: only BR restores leave checkpoint data to prune");
      }
      if (spec.lightningFromArchive()
          && !empty(spec.storageSize)
          && !spec.storageSize.matches("[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?")) {
        errors.add(
            "spec.storageSize \""
                + spec.storageSize
                + "\" is not a quantity like 20Gi (the volume the export archive is unpacked on)");
      }
    } else {
      SpecValidator.br("spec", spec, errors);
    }
    if (pitr) {
      boolean full =
          spec.pitrFullBackupStorageProvider != null
              && spec.pitrFullBackupStorageProvider.providerCount() > 0;
      boolean start = !empty(spec.logRestoreStartTs);
      if (full == start && !picked) {
        errors.add(
            "spec: a pitr restore needs exactly one of pitrFullBackupStorageProvider and logRestoreStartTs");
      }
      if (full) {
        fullBackupStorage(spec, errors);
      }
      if (!Versions.atLeast(tikvVersion, 6, 2, 0)) {
        errors.add(
            "spec.restoreMode pitr needs TiKV v6.2.0 or later, the cluster runs " + tikvVersion);
      }
    } else {
      for (String[] f :
          new String[][] {
            {"pitrRestoredTs", spec.pitrRestoredTs}, {"logRestoreStartTs", spec.logRestoreStartTs}
          }) {
        if (!empty(f[1])) {
          errors.add("spec." + f[0] + " is only for restoreMode pitr (restoreMode is snapshot)");
        }
      }
      if (spec.pitrFullBackupStorageProvider != null) {
        errors.add(
            "spec.pitrFullBackupStorageProvider is only for restoreMode pitr (restoreMode is snapshot)");
      }
    }
    ts("spec.pitrRestoredTs", spec.pitrRestoredTs, errors);
    ts("spec.logRestoreStartTs", spec.logRestoreStartTs, errors);
    if (spec.backoffLimit != null && spec.backoffLimit < 0) {
      errors.add("spec.backoffLimit must not be negative");
    }
    ToolValidator.restore(spec, tikvVersion, errors);
    EncryptionValidator.restore(spec, tikvVersion, errors);
    return errors;
  }

  /**
   * {@code spec.backupSource}: the operator picks the storage, so the spec names none; a pitr
   * restore with BR.
   */
  static void backupSource(RestoreSpec spec, List<String> errors) {
    var src = spec.backupSource;
    if (empty(src.backupSchedule) == empty(src.cluster)) {
      errors.add("spec.backupSource: set exactly one of backupSchedule and cluster");
    }
    if (!empty(src.clusterNamespace) && empty(src.cluster)) {
      errors.add("spec.backupSource.clusterNamespace is only for spec.backupSource.cluster");
    }
    if (spec.restoreMode != RestoreMode.PITR) {
      errors.add("spec.backupSource needs restoreMode: pitr (it restores to spec.pitrRestoredTs)");
    }
    if (spec.br == null) {
      errors.add("spec.backupSource needs spec.br: the restore runs BR");
    }
    if (spec.providerCount() > 0) {
      errors.add(
          "spec."
              + (spec.storageType() == null ? "s3" : spec.storageType().field())
              + ": leave the storage unset with spec.backupSource (the operator takes the storage"
              + " of the backups it picks)");
    }
    if (spec.pitrFullBackupStorageProvider != null) {
      errors.add(
          "spec.pitrFullBackupStorageProvider: leave it unset with spec.backupSource (the operator"
              + " picks the snapshot)");
    }
    if (!empty(spec.logRestoreStartTs)) {
      errors.add(
          "spec.logRestoreStartTs: leave it unset with spec.backupSource (the restore starts at"
              + " the snapshot the operator picks)");
    }
  }

  /** The first problem, if any: the message of the Invalid condition. */
  public static Optional<String> validate(RestoreSpec spec, String tikvVersion) {
    return problems(spec, tikvVersion).stream().findFirst();
  }

  /**
   * The full backup is read with the credentials the pod has for the log backup, so it must be on
   * the same kind of storage and carry no credentials of its own.
   */
  static void fullBackupStorage(RestoreSpec spec, List<String> errors) {
    StorageProvider full = spec.pitrFullBackupStorageProvider;
    SpecValidator.storage("spec.pitrFullBackupStorageProvider", full, errors);
    if (full.providerCount() != 1 || spec.providerCount() != 1) {
      return;
    }
    if (full.storageType() != spec.storageType()) {
      errors.add(
          "spec.pitrFullBackupStorageProvider."
              + full.storageType().field()
              + ": the full backup must be on "
              + spec.storageType().field()
              + " like the log backup (the Job has one set of storage credentials)");
      return;
    }
    String own =
        switch (full.storageType()) {
          case S3 -> full.s3.secretName;
          case GCS -> full.gcs.secretName;
          case AZBLOB ->
              full.azblob.sasToken != null && !full.azblob.sasToken.isEmpty()
                  ? "sasToken"
                  : full.azblob.secretName;
          case LOCAL -> null;
        };
    String logs =
        switch (spec.storageType()) {
          case S3 -> spec.s3.secretName;
          case GCS -> spec.gcs.secretName;
          case AZBLOB -> spec.azblob.secretName;
          case LOCAL -> null;
        };
    if (!empty(own) && !own.equals(logs)) {
      errors.add(
          "spec.pitrFullBackupStorageProvider."
              + full.storageType().field()
              + " has credentials of its own ("
              + ("sasToken".equals(own) ? "sasToken" : "secretName " + own)
              + "); the Job reads both backups with the "
              + "credentials of spec."
              + spec.storageType().field());
    }
  }

  static void ts(String field, String value, List<String> errors) {
    if (!empty(value) && !Timestamps.isTsoOrDatetime(value)) {
      errors.add(field + " \"" + value + "\" is neither a TSO nor a datetime");
    }
  }

  static boolean empty(String s) {
    return s == null || s.isEmpty();
  }
}
