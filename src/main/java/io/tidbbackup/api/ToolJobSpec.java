package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * Fields that Backup and Restore share: the inline storage provider, the BR options, and everything
 * that shapes the Job's pod. Same names and meaning as TiDB Operator v1.6.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ToolJobSpec extends StorageProvider {
  /** Requests and limits of the init and main containers. */
  public ResourceRequirements resources;

  /** Added to the generated env; an entry with the same name replaces the generated one. */
  public List<EnvVar> env;

  public BackupType backupType;

  /** Go duration; raises tikv_gc_life_time while a tool runs (only with from/to). Default 72h. */
  public String tikvGCLifeTime;

  public String storageClassName;
  public String volumeAttributesClassName;
  public String storageSize;

  /** Presence selects BR; absence selects Dumpling (Backup) or TiDB Lightning (Restore). */
  public BRConfig br;

  public List<Toleration> tolerations;

  /** Image holding the tool binary; {@code :<tikv version>} is appended when it has no tag. */
  public String toolImage;

  public List<LocalObjectReference> imagePullSecrets;

  /** {@code --filter} per entry; wins over br.db/br.table. */
  public List<String> tableFilter;

  public Affinity affinity;
  public Boolean useKMS;

  /**
   * BR's backup encryption from Secrets: each key reaches BR as a file, never in its command line.
   */
  public Encryption encryption;

  /** Default tidb-backup-manager. */
  public String serviceAccount;

  public Boolean automountServiceAccountToken;
  public PodSecurityContext podSecurityContext;
  public String priorityClassName;
  public List<Volume> additionalVolumes;
  public List<VolumeMount> additionalVolumeMounts;
}
