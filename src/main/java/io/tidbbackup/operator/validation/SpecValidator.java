package io.tidbbackup.operator.validation;

import io.tidbbackup.api.AzblobStorageProvider;
import io.tidbbackup.api.BRConfig;
import io.tidbbackup.api.BackupType;
import io.tidbbackup.api.GcsStorageProvider;
import io.tidbbackup.api.GoDuration;
import io.tidbbackup.api.LocalStorageProvider;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.api.TiDBAccessConfig;
import io.tidbbackup.api.ToolJobSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks shared by Backup and Restore specs. Each check adds one message that names the field
 * ({@code spec.s3.bucket is required}); the first message becomes the {@code Invalid} condition.
 */
public final class SpecValidator {

  private SpecValidator() {}

  /** Exactly one storage provider, and that provider complete. */
  public static void storage(String path, StorageProvider p, List<String> errors) {
    storage(path, p, errors, false);
  }

  /**
   * @param pathSuffices whether {@code s3.path}/{@code gcs.path} ({@code <bucket>/<dir>}, with or
   *     without a scheme) may stand for bucket and prefix: TiDB Lightning's source, as TiDB
   *     Operator's restore docs write it
   */
  public static void storage(
      String path, StorageProvider p, List<String> errors, boolean pathSuffices) {
    int n = p.providerCount();
    if (n == 0) {
      errors.add(path + ": set one storage provider (s3, gcs, azblob or local)");
      return;
    }
    if (n > 1) {
      errors.add(path + ": set only one storage provider of s3, gcs, azblob and local, found " + n);
      return;
    }
    String field = path + "." + p.storageType().field() + ".prefix";
    io.tidbbackup.api.PrefixRules.problem(field, io.tidbbackup.storage.StorageLocation.prefixOf(p))
        .ifPresent(errors::add);
    switch (p.storageType()) {
      case S3 -> s3(path + ".s3", p.s3, errors, pathSuffices && !empty(p.s3.path));
      case GCS -> gcs(path + ".gcs", p.gcs, errors, pathSuffices && !empty(p.gcs.path));
      case AZBLOB -> azblob(path + ".azblob", p.azblob, errors);
      case LOCAL -> local(path + ".local", p.local, errors);
    }
  }

  static void s3(String path, S3StorageProvider s3, List<String> errors, boolean hasPath) {
    if (empty(s3.provider)) {
      errors.add(path + ".provider is required");
    }
    if (empty(s3.bucket) && !hasPath) {
      errors.add(path + ".bucket is required");
    }
    if (!empty(s3.endpoint)) {
      try {
        URI u = new URI(s3.endpoint);
        if (u.getScheme() == null || u.getHost() == null) {
          errors.add(
              path
                  + ".endpoint \""
                  + s3.endpoint
                  + "\" must be a URL with scheme and host, like http://minio:9000");
        }
      } catch (URISyntaxException e) {
        errors.add(path + ".endpoint \"" + s3.endpoint + "\" is not a URL: " + e.getReason());
      }
    }
  }

  static void gcs(String path, GcsStorageProvider gcs, List<String> errors, boolean hasPath) {
    if (empty(gcs.projectId)) {
      errors.add(path + ".projectId is required");
    }
    if (empty(gcs.bucket) && !hasPath) {
      errors.add(path + ".bucket is required");
    }
  }

  static void azblob(String path, AzblobStorageProvider az, List<String> errors) {
    if (empty(az.container)) {
      errors.add(path + ".container is required");
    }
    if (empty(az.secretName) && (empty(az.storageAccount) || empty(az.sasToken))) {
      errors.add(path + ": set secretName, or both storageAccount and sasToken");
    }
  }

  static void local(String path, LocalStorageProvider local, List<String> errors) {
    if (local.volume == null || local.volumeMount == null) {
      errors.add(path + ": volume and volumeMount are required");
      return;
    }
    if (!java.util.Objects.equals(local.volume.getName(), local.volumeMount.getName())) {
      errors.add(
          path
              + ".volumeMount.name \""
              + local.volumeMount.getName()
              + "\" must equal "
              + path
              + ".volume.name \""
              + local.volume.getName()
              + "\"");
    }
    String mp = local.volumeMount.getMountPath();
    if (empty(mp)) {
      errors.add(path + ".volumeMount.mountPath is required");
    } else if (mp.contains(":")) {
      errors.add(path + ".volumeMount.mountPath \"" + mp + "\" must not contain ':'");
    }
  }

  /** br.cluster and the backupType/db/table combination. */
  public static void br(String path, ToolJobSpec spec, List<String> errors) {
    BRConfig br = spec.br;
    if (empty(br.cluster)) {
      errors.add(path + ".br.cluster is required");
    }
    BackupType type = spec.backupType;
    if (type == BackupType.RAW || type == BackupType.TIFLASH_REPLICA) {
      errors.add(path + ".backupType " + type.value() + " is not supported; use full, db or table");
    }
    boolean filtered = spec.tableFilter != null && !spec.tableFilter.isEmpty();
    if (!filtered && (type == BackupType.DB || type == BackupType.TABLE) && empty(br.db)) {
      errors.add(
          path
              + ".br.db is required for backupType "
              + type.value()
              + " (or set "
              + path
              + ".tableFilter)");
    }
    if (!filtered && type == BackupType.TABLE && empty(br.table)) {
      errors.add(
          path + ".br.table is required for backupType table (or set " + path + ".tableFilter)");
    }
  }

  /** host and secretName of {@code from}/{@code to}. */
  public static void tidbAccess(String path, TiDBAccessConfig c, List<String> errors) {
    if (empty(c.host)) {
      errors.add(path + ".host is required");
    }
    if (empty(c.secretName)) {
      errors.add(path + ".secretName is required (a Secret with key password)");
    }
    if (c.port != null && (c.port < 1 || c.port > 65535)) {
      errors.add(path + ".port " + c.port + " is not a port number");
    }
  }

  public static void common(String path, ToolJobSpec spec, List<String> errors) {
    duration(path + ".tikvGCLifeTime", spec.tikvGCLifeTime, errors);
  }

  public static void duration(String field, String value, List<String> errors) {
    if (value != null && !GoDuration.isValid(value)) {
      errors.add(field + " \"" + value + "\" is not a duration like 300s, 30m or 72h");
    }
  }

  public static List<String> newErrors() {
    return new ArrayList<>();
  }

  static boolean empty(String s) {
    return s == null || s.isEmpty();
  }
}
