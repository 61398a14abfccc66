package io.tidbbackup.operator.job;

import static io.tidbbackup.api.AgentProtocol.*;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.Encryption;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Serde;
import io.tidbbackup.storage.StorageLocation;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure: (Backup, log subcommand, cluster facts, settings) → the batch/v1 Job that runs it. No
 * client, no clock. Layout follows TiDB Operator v1's makeBRBackupJob: an init container copies the
 * tool out of its official image, the main container runs this project's agent.
 */
public final class BackupJobBuilder {
  public static final String BR_REPO = "pingcap/br";
  public static final String DUMPLING_REPO = "pingcap/dumpling";
  static final String MAIN_CONTAINER = BACKUP;

  private BackupJobBuilder() {}

  public static Job build(
      Backup backup, LogSubCommand log, ClusterFacts facts, JobSettings settings) {
    BackupSpec spec = backup.getSpec();
    String name = backup.getMetadata().getName();
    String ns = backup.getMetadata().getNamespace();
    boolean dumpling = spec.br == null;
    String tool = dumpling ? "dumpling" : "br";
    String toolDir = dumpling ? JobEnv.DUMPLING_BIN_DIR : JobEnv.BR_BIN_DIR;

    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                BACKUP,
                option(NAMESPACE, ns),
                option(BACKUP_NAME, name),
                option(TIKV_VERSION, facts.tikvVersion()),
                option(MODE, log == null ? "snapshot" : "log")));
    if (log != null) {
      args.add(option(SUBCOMMAND, log.value()));
    }
    // Dumpling talks to TiDB over TLS when from.tlsClientSecretName names the client certificate.
    boolean clientTls =
        dumpling
            && spec.from != null
            && spec.from.tlsClientSecretName != null
            && !spec.from.tlsClientSecretName.isEmpty();
    if (facts.pdAddress() != null) {
      args.add(option(PD, facts.pdAddress()));
    }
    if (!dumpling && facts.clusterTls()) {
      args.add(option(CLUSTER_TLS, true));
    }
    if (clientTls) {
      args.add(option(CLIENT_TLS, true));
    }
    if (dumpling) {
      args.add(option(OUTPUT_NAME, dumplingOutputName(backup)));
    }

    List<Volume> volumes = ToolPod.baseVolumes(tool);
    List<VolumeMount> mounts = ToolPod.baseMounts(tool, toolDir);
    if (!dumpling && facts.clusterTls()) {
      volumes.add(
          ToolPod.secretVolume("cluster-client-tls", Names.clusterTlsSecret(spec.br.cluster)));
      mounts.add(ToolPod.mount("cluster-client-tls", JobEnv.CLUSTER_TLS_DIR, true));
    }
    if (clientTls) {
      volumes.add(ToolPod.secretVolume("tidb-client-tls", spec.from.tlsClientSecretName));
      mounts.add(ToolPod.mount("tidb-client-tls", JobEnv.CLIENT_TLS_DIR, true));
    }
    Encryption encryption = EncryptionVolumes.forBackup(spec, log);
    EncryptionVolumes.add(encryption, volumes, mounts);
    ToolPod.addUserVolumes(spec, volumes, mounts);

    String image =
        ToolPod.toolImage(
            spec.toolImage,
            settings.toolRepo(dumpling ? DUMPLING_REPO : BR_REPO),
            facts.tikvVersion());
    ToolPod.addToolVersion(args, image, facts.tikvVersion());
    Container init =
        ToolPod.copyToolContainer(
            tool, image, "/" + tool, toolDir, spec, settings.imagePullPolicy());
    Container main =
        new ContainerBuilder()
            .withName(MAIN_CONTAINER)
            .withImage(settings.agentImage())
            .withImagePullPolicy(settings.imagePullPolicy())
            .withArgs(args)
            .withEnv(env(backup, encryption))
            .withResources(spec.resources)
            .withVolumeMounts(mounts)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();

    Job job =
        ToolPod.job(
            backup,
            Names.backupJob(name, log),
            Names.backupJobLabels(backup, "backup"),
            null,
            0,
            ToolPod.podSpec(spec, List.of(init), main, volumes));
    job.getSpec().setActiveDeadlineSeconds(settings.activeDeadlineSeconds());
    return job;
  }

  /** Generated env, then spec.env overriding by name. Credentials only as secretKeyRef. */
  static List<EnvVar> env(Backup backup, Encryption encryption) {
    BackupSpec spec = backup.getSpec();
    List<EnvVar> env = new ArrayList<>();
    env.add(StorageEnv.plain(JobEnv.BR_LOG_TO_TERM, "1"));
    BackupSpec agent = agentSpec(spec);
    agent.encryption = EncryptionVolumes.forAgent(encryption);
    env.add(StorageEnv.plain(JobEnv.SPEC, Serde.json(agent)));
    String sas =
        spec.azblob == null ? null : Names.sasSecret("backup", backup, spec.azblob.sasToken);
    env.addAll(StorageEnv.of(spec, sas));
    if (spec.from != null && spec.br == null) {
      env.add(
          StorageEnv.secretRef(
              StorageEnv.passwordVar(spec), spec.from.secretName, JobEnv.TIDB_PASSWORD_KEY, false));
    }
    env.addAll(StorageEnv.kms(spec));
    return StorageEnv.overrideByName(env, spec.env);
  }

  /**
   * What the agent needs ({@code TIDB_BACKUP_SPEC}), and nothing else: a whitelist, so a field
   * added to the CRD reaches the pod only when it is added here. Storage without secrets (the
   * inline SAS token reaches the pod through a Secret), the tool's configuration, the log task
   * fields, and cleanOption for {@code agent clean}. Not spec.encryption: a Job is given the
   * methods of the parts it mounts ({@link EncryptionVolumes}).
   */
  public static BackupSpec agentSpec(BackupSpec spec) {
    BackupSpec s = ToolPod.agentCommon(spec, new BackupSpec());
    s.from = spec.from;
    s.dumpling = spec.dumpling;
    s.backupMode = spec.backupMode;
    s.commitTs = spec.commitTs;
    s.logSubcommand = spec.logSubcommand;
    s.logTruncateUntil = spec.logTruncateUntil;
    s.logStop = spec.logStop;
    s.cleanOption = spec.cleanOption;
    return Serde.copy(s, BackupSpec.class);
  }

  /**
   * {@code backup-<creationTimestamp, RFC 3339 UTC>}: Dumpling's directory under the prefix, stable
   * across retries.
   */
  public static String dumplingOutputName(Backup backup) {
    String created = backup.getMetadata().getCreationTimestamp();
    Instant t = created == null ? Instant.EPOCH : Instant.parse(created);
    return "backup-" + DateTimeFormatter.ISO_INSTANT.format(t);
  }

  /**
   * What status.backupPath says for this backup: the prefix URL (BR) or the Dumpling export
   * directory.
   */
  public static String backupPath(Backup backup) {
    StorageLocation loc = StorageLocation.of(backup.getSpec());
    if (loc == null) {
      return null;
    }
    return backup.getSpec().br == null ? loc.child(dumplingOutputName(backup)).url() : loc.url();
  }
}
