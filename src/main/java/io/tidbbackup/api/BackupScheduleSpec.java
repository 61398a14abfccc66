package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;

/** BackupSchedule.spec as in TiDB Operator v1.6. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupScheduleSpec extends StorageProvider {
  /** Five-field cron expression. */
  @Required public String schedule;

  /** Additive: the IANA time zone the schedule is read in (e.g. Asia/Shanghai). Default UTC. */
  public String timeZone;

  public Boolean pause;

  /** 0 means unlimited. */
  public Integer maxBackups;

  /** Go duration; wins over maxBackups. */
  public String maxReservedTime;

  public String compactInterval;

  /** {@code br.pingcap.com} only: v2's name of compactInterval (a Go duration). */
  public String compactSpan;

  @Required public BackupSpec backupTemplate;
  public BackupSpec logBackupTemplate;
  public CompactSpec compactBackupTemplate;
  public String minCompactStartTs;
  public String storageClassName;
  public String volumeAttributesClassName;
  public String storageSize;
  public List<LocalObjectReference> imagePullSecrets;
  public BRConfig br;
}
