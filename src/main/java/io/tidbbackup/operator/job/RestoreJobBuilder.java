package io.tidbbackup.operator.job;

import static io.tidbbackup.api.AgentProtocol.*;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.api.Encryption;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure: (Restore, prune?, cluster facts, settings) → the batch/v1 Job that runs it. No client, no
 * clock. Same layout as the backup Job (TiDB Operator v1's restore job): an init container copies
 * {@code br} or {@code tidb-lightning} out of its official image, the main container runs this
 * project's {@code agent restore}.
 */
public final class RestoreJobBuilder {
  public static final String LIGHTNING_REPO = "pingcap/tidb-lightning";
  static final String MAIN_CONTAINER = RESTORE;

  private RestoreJobBuilder() {}

  /**
   * @param prune the Job of {@code prune: afterFailed}: {@code br abort restore …}
   */
  public static Job build(
      Restore restore, boolean prune, ClusterFacts facts, JobSettings settings) {
    RestoreSpec spec = restore.getSpec();
    String name = restore.getMetadata().getName();
    String ns = restore.getMetadata().getNamespace();
    boolean lightning = spec.br == null;
    String tool = lightning ? "lightning" : "br";
    String toolDir = lightning ? JobEnv.LIGHTNING_BIN_DIR : JobEnv.BR_BIN_DIR;
    RestoreMode mode = spec.restoreMode; // defaulted (CrdDefaults)

    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                RESTORE,
                option(NAMESPACE, ns),
                option(RESTORE_NAME, name),
                option(TIKV_VERSION, facts.tikvVersion()),
                option(MODE, mode.value())));
    if (prune) {
      args.add(option(ABORT, true));
    }
    boolean clientTls =
        lightning
            && spec.to != null
            && spec.to.tlsClientSecretName != null
            && !spec.to.tlsClientSecretName.isEmpty();
    if (facts.pdAddress() != null) {
      args.add(option(PD, facts.pdAddress()));
    }
    if (!lightning && facts.clusterTls()) {
      args.add(option(CLUSTER_TLS, true));
    }
    if (clientTls) {
      args.add(option(CLIENT_TLS, true));
    }

    List<Volume> volumes = ToolPod.baseVolumes(tool);
    List<VolumeMount> mounts = ToolPod.baseMounts(tool, toolDir);
    if (!lightning && facts.clusterTls()) {
      volumes.add(
          ToolPod.secretVolume("cluster-client-tls", Names.clusterTlsSecret(spec.br.cluster)));
      mounts.add(ToolPod.mount("cluster-client-tls", JobEnv.CLUSTER_TLS_DIR, true));
    }
    if (clientTls) {
      volumes.add(ToolPod.secretVolume("tidb-client-tls", spec.to.tlsClientSecretName));
      mounts.add(ToolPod.mount("tidb-client-tls", JobEnv.CLIENT_TLS_DIR, true));
    }
    Encryption encryption = EncryptionVolumes.forRestore(spec);
    EncryptionVolumes.add(encryption, volumes, mounts);
    if (lightning && spec.lightningFromArchive()) {
      volumes.add(restoreData(spec));
      mounts.add(ToolPod.mount(RESTORE_DATA_VOLUME, JobEnv.RESTORE_DATA_DIR, false));
    }
    ToolPod.addUserVolumes(spec, volumes, mounts);

    String image =
        ToolPod.toolImage(
            spec.toolImage,
            settings.toolRepo(lightning ? LIGHTNING_REPO : BackupJobBuilder.BR_REPO),
            facts.tikvVersion());
    ToolPod.addToolVersion(args, image, facts.tikvVersion());
    Container init =
        ToolPod.copyToolContainer(
            tool,
            image,
            lightning ? "/tidb-lightning" : "/br",
            toolDir,
            spec,
            settings.imagePullPolicy());
    Container main =
        new ContainerBuilder()
            .withName(MAIN_CONTAINER)
            .withImage(settings.agentImage())
            .withImagePullPolicy(settings.imagePullPolicy())
            .withArgs(args)
            .withEnv(env(restore, encryption))
            .withResources(spec.resources)
            .withVolumeMounts(mounts)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();
    int backoffLimit = prune ? 0 : spec.backoffLimit;
    Job job =
        ToolPod.job(
            restore,
            prune ? Names.restorePruneJob(name) : Names.restoreJob(name),
            Names.restoreJobLabels(restore, prune ? "prune" : "restore"),
            null,
            backoffLimit,
            ToolPod.podSpec(spec, List.of(init), main, volumes));
    job.getSpec().setActiveDeadlineSeconds(settings.activeDeadlineSeconds());
    return job;
  }

  /** Generated env, then spec.env overriding by name. Credentials only as secretKeyRef. */
  static List<EnvVar> env(Restore restore, Encryption encryption) {
    RestoreSpec spec = restore.getSpec();
    List<EnvVar> env = new ArrayList<>();
    env.add(StorageEnv.plain(JobEnv.BR_LOG_TO_TERM, "1"));
    RestoreSpec agent = agentSpec(spec);
    agent.encryption = EncryptionVolumes.forAgent(encryption);
    env.add(StorageEnv.plain(JobEnv.SPEC, Serde.json(agent)));
    env.addAll(StorageEnv.of(spec, sasSecret(restore)));
    if (spec.to != null && spec.br == null) {
      env.add(
          StorageEnv.secretRef(
              StorageEnv.passwordVar(spec), spec.to.secretName, JobEnv.TIDB_PASSWORD_KEY, false));
    }
    env.addAll(StorageEnv.kms(spec));
    return StorageEnv.overrideByName(env, spec.env);
  }

  /**
   * The owned Secret that carries an inline {@code spec.azblob.sasToken}, or null when there is
   * none.
   */
  public static String sasSecret(Restore restore) {
    RestoreSpec spec = restore.getSpec();
    return spec.azblob == null ? null : Names.sasSecret("restore", restore, spec.azblob.sasToken);
  }

  /**
   * What the agent needs, and nothing else (a whitelist, as {@link BackupJobBuilder#agentSpec}): no
   * secrets.
   */
  public static RestoreSpec agentSpec(RestoreSpec spec) {
    RestoreSpec s = ToolPod.agentCommon(spec, new RestoreSpec());
    s.to = spec.to;
    s.restoreMode = spec.restoreMode;
    s.pitrRestoredTs = spec.pitrRestoredTs;
    s.logRestoreStartTs = spec.logRestoreStartTs;
    if (spec.pitrFullBackupStorageProvider != null) {
      s.pitrFullBackupStorageProvider = new io.tidbbackup.api.StorageProvider();
      ToolPod.copyStorageWithoutSecrets(
          spec.pitrFullBackupStorageProvider, s.pitrFullBackupStorageProvider);
    }
    return Serde.copy(s, RestoreSpec.class);
  }

  static final String RESTORE_DATA_VOLUME = "restore-data";

  /**
   * Where the agent unpacks an export archive: a claim of {@code spec.storageSize} (of {@code
   * spec.storageClassName}) made for the pod and deleted with it, as TiDB Operator's restore PVC
   * but never left behind; an emptyDir when no size is given.
   */
  static io.fabric8.kubernetes.api.model.Volume restoreData(RestoreSpec spec) {
    if (spec.storageSize == null || spec.storageSize.isEmpty()) {
      return ToolPod.emptyDir(RESTORE_DATA_VOLUME);
    }
    return new io.fabric8.kubernetes.api.model.VolumeBuilder()
        .withName(RESTORE_DATA_VOLUME)
        .withNewEphemeral()
        .withNewVolumeClaimTemplate()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(
            spec.storageClassName == null || spec.storageClassName.isEmpty()
                ? null
                : spec.storageClassName)
        .withNewResources()
        .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity(spec.storageSize))
        .endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endEphemeral()
        .build();
  }
}
