package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;

/**
 * CompactBackup.spec (and BackupSchedule.spec.compactBackupTemplate), as in TiDB Operator
 * release-1.x.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CompactSpec extends StorageProvider {
  public ResourceRequirements resources;

  /** "" or "sharded". */
  public String mode;

  @Min(1)
  public Integer shardCount;

  public String physicalFileCacheCapacity;
  public String name;
  public List<EnvVar> env;

  @com.fasterxml.jackson.annotation.JsonPropertyDescription(
      "The start of the log range to compact. A TSO, or a datetime such as 2024-06-01 12:00:00+08:00; a datetime without a zone is read as UTC. tikv-ctl is given a TSO.")
  public String startTs;

  @com.fasterxml.jackson.annotation.JsonPropertyDescription(
      "The end of the log range to compact (tikv-ctl v8.5.x requires it). A TSO, or a datetime such as 2024-06-01 12:00:00+08:00; a datetime without a zone is read as UTC. tikv-ctl is given a TSO.")
  public String endTs;

  @Default("4")
  public Integer concurrency;

  public List<Toleration> tolerations;
  public String toolImage;
  public String tikvImage;
  public BRConfig br;
  public List<LocalObjectReference> imagePullSecrets;
  public Affinity affinity;
  public Boolean useKMS;
  public String serviceAccount;
  public Boolean automountServiceAccountToken;
  public PodSecurityContext podSecurityContext;
  public String priorityClassName;

  @Default("6")
  public Integer maxRetryTimes;

  public List<Volume> additionalVolumes;
  public List<VolumeMount> additionalVolumeMounts;
}
