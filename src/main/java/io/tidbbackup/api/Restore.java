package io.tidbbackup.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A restore into a TiDB cluster. */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@ShortNames("rt")
@Plural("restores")
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Started",
    jsonPath = ".status.timeStarted",
    type = AdditionalPrinterColumn.Type.DATE,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Completed",
    jsonPath = ".status.timeCompleted",
    type = AdditionalPrinterColumn.Type.DATE,
    priority = 1)
@AdditionalPrinterColumn(
    name = "TimeTaken",
    jsonPath = ".status.timeTaken",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "CommitTS",
    jsonPath = ".status.commitTs",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value =
        "has(self.spec) && (has(self.spec.s3) ? 1 : 0) + (has(self.spec.gcs) ? 1 : 0)"
            + " + (has(self.spec.azblob) ? 1 : 0) + (has(self.spec.local) ? 1 : 0)"
            + " == (has(self.spec.backupSource) ? 0 : 1)",
    message =
        "spec: set exactly one storage provider of s3, gcs, azblob and local (none with backupSource)")
public class Restore extends CustomResource<RestoreSpec, RestoreStatus> implements Namespaced {}
