package io.tidbbackup.operator.schedule;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.BackupScheduleSpec;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.operator.job.ToolPod;
import io.tidbbackup.storage.StorageLocation;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pure: the Backups a schedule creates, named and prefixed as TiDB Operator does. A snapshot backup
 * is {@code <schedule>-<UTC 2006-01-02t15-04-05>} with prefix {@code <template prefix>/<pd address,
 * ':' as '-'>-<ts>} (a sub-prefix of its own, so no two backups share one); the log backup is
 * {@code log-<schedule>} with prefix {@code <template prefix>/log-<ts>}. Both carry the schedule
 * label and a controller reference to the schedule.
 */
public final class ScheduleChildren {
  static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd't'HH-mm-ss").withZone(ZoneOffset.UTC);

  private ScheduleChildren() {}

  public static String snapshotName(BackupSchedule bs, Instant fire) {
    return bs.getMetadata().getName() + "-" + TS.format(fire);
  }

  public static String logName(BackupSchedule bs) {
    return "log-" + bs.getMetadata().getName();
  }

  public static Backup snapshot(BackupSchedule bs, Instant fire) {
    BackupScheduleSpec s = bs.getSpec();
    BackupSpec spec = template(s, s.backupTemplate);
    if (spec.br != null) {
      String pd = spec.br.pdAddress(bs.getMetadata().getNamespace()).replace(':', '-');
      subPrefix(spec, pd + "-" + TS.format(fire));
    } else {
      spec.storageClassName =
          spec.storageClassName != null ? spec.storageClassName : s.storageClassName;
      spec.volumeAttributesClassName =
          spec.volumeAttributesClassName != null
              ? spec.volumeAttributesClassName
              : s.volumeAttributesClassName;
      spec.storageSize = spec.storageSize != null ? spec.storageSize : s.storageSize;
    }
    return child(bs, snapshotName(bs, fire), spec);
  }

  public static Backup log(BackupSchedule bs, Instant now) {
    BackupScheduleSpec s = bs.getSpec();
    BackupSpec spec = template(s, s.logBackupTemplate);
    spec.backupMode = BackupMode.LOG;
    subPrefix(spec, "log-" + TS.format(now));
    return child(bs, logName(bs), spec);
  }

  public static String compactName(BackupSchedule bs, Instant at) {
    return "compact-" + bs.getMetadata().getName() + "-" + TS.format(at);
  }

  /**
   * A compaction of the log backup's data from {@code startTs} to {@code endTs}: the template, on
   * the log backup's storage when the template names none.
   */
  public static io.tidbbackup.api.CompactBackup compact(
      BackupSchedule bs, Backup logBackup, String startTs, String endTs, Instant at) {
    io.tidbbackup.api.CompactSpec spec =
        Serde.copy(bs.getSpec().compactBackupTemplate, io.tidbbackup.api.CompactSpec.class);
    if (spec.storageType() == null && logBackup.getSpec() != null) {
      StorageProvider own = Serde.copy(logBackup.getSpec(), StorageProvider.class);
      spec.s3 = own.s3;
      spec.gcs = own.gcs;
      spec.azblob = own.azblob;
      spec.local = own.local;
    }
    if (spec.br == null && logBackup.getSpec() != null) {
      spec.br = logBackup.getSpec().br;
    }
    spec.startTs = startTs;
    spec.endTs = endTs;
    io.tidbbackup.api.CompactBackup c =
        io.tidbbackup.operator.surface.ApiSurface.of(bs).newCompact();
    c.setMetadata(
        new ObjectMetaBuilder()
            .withName(compactName(bs, at))
            .withNamespace(bs.getMetadata().getNamespace())
            .withLabels(labels(bs))
            .withOwnerReferences(ToolPod.controllerRef(bs))
            .build());
    c.setSpec(spec);
    return c;
  }

  /**
   * A copy of the template, with the schedule's own storage, br and pull secrets where the template
   * has none.
   */
  static BackupSpec template(BackupScheduleSpec s, BackupSpec template) {
    BackupSpec spec = Serde.copy(template, BackupSpec.class);
    if (spec.storageType() == null && s.storageType() != null) {
      StorageProvider own = Serde.copy(s, StorageProvider.class);
      spec.s3 = own.s3;
      spec.gcs = own.gcs;
      spec.azblob = own.azblob;
      spec.local = own.local;
    }
    if (spec.br == null && s.br != null && spec.from == null) {
      spec.br = Serde.copy(s.br, io.tidbbackup.api.BRConfig.class);
    }
    if (spec.imagePullSecrets == null) {
      spec.imagePullSecrets = s.imagePullSecrets;
    }
    return spec;
  }

  static void subPrefix(StorageProvider p, String child) {
    if (p.storageType() == null) {
      return;
    }
    switch (p.storageType()) {
      case S3 -> p.s3.prefix = join(p.s3.prefix, child);
      case GCS -> p.gcs.prefix = join(p.gcs.prefix, child);
      case AZBLOB -> p.azblob.prefix = join(p.azblob.prefix, child);
      case LOCAL -> p.local.prefix = join(p.local.prefix, child);
    }
  }

  static String join(String prefix, String child) {
    String p = StorageLocation.clean(prefix);
    return p.isEmpty() ? child : p + "/" + child;
  }

  /**
   * A child's labels as TiDB Operator gives them (buildBackup, release-1.6): name {@code
   * backup-schedule}, managed-by {@code backup-schedule-operator}, instance and backup-schedule the
   * schedule's name, with the schedule's own labels over them (so a label an operator selects on,
   * {@code --selector}, reaches the children); the backup-schedule label always names the schedule.
   */
  static Map<String, String> labels(BackupSchedule bs) {
    String name = bs.getMetadata().getName();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "backup-schedule");
    labels.put("app.kubernetes.io/managed-by", "backup-schedule-operator");
    labels.put("app.kubernetes.io/instance", name);
    if (bs.getMetadata().getLabels() != null) {
      labels.putAll(bs.getMetadata().getLabels());
    }
    labels.put(ApiConstants.LABEL_BACKUP_SCHEDULE, name);
    return labels;
  }

  static Backup child(BackupSchedule bs, String name, BackupSpec spec) {
    Map<String, String> labels = labels(bs);
    Backup b = io.tidbbackup.operator.surface.ApiSurface.of(bs).newBackup();
    b.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(bs.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(ToolPod.controllerRef(bs))
            .build());
    b.setSpec(spec);
    return b;
  }
}
