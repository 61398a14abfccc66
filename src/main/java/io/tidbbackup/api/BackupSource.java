package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Additive ({@code Restore.spec.backupSource}): what holds the backups a point-in-time restore
 * reads, so that the operator picks them: a BackupSchedule, or every Backup of a cluster, in the
 * Restore's namespace.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.backupSchedule) != has(self.cluster)",
    message = "backupSource: set exactly one of backupSchedule and cluster")
public class BackupSource {
  @JsonPropertyDescription(
      "A BackupSchedule in the Restore's namespace: its Complete snapshot backups and its log backup.")
  public String backupSchedule;

  @JsonPropertyDescription(
      "Or a TiDB cluster (spec.br.cluster of its Backups): every Backup of it in the Restore's namespace.")
  public String cluster;

  @JsonPropertyDescription(
      "With cluster: the cluster's namespace as its Backups name it (spec.br.clusterNamespace; empty: the"
          + " Backups' own namespace).")
  public String clusterNamespace;
}
