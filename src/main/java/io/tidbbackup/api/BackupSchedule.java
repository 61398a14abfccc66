package io.tidbbackup.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Scheduled backups with retention. */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@ShortNames("bks")
@Plural("backupschedules")
@AdditionalPrinterColumn(
    name = "Schedule",
    jsonPath = ".spec.schedule",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "MaxBackups",
    jsonPath = ".spec.maxBackups",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "MaxReservedTime",
    jsonPath = ".spec.maxReservedTime",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "LastBackup",
    jsonPath = ".status.lastBackup",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "LastBackupTime",
    jsonPath = ".status.lastBackupTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class BackupSchedule extends CustomResource<BackupScheduleSpec, BackupScheduleStatus>
    implements Namespaced {}
