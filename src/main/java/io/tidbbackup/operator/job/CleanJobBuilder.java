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
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pure: the Job that deletes a Backup's data, {@code clean-<name>}. It runs this project's image
 * with {@code agent clean} under the Backup's own service account (so IRSA and workload identity
 * apply), with the same credentials env as the backup Job and none of the tool containers.
 */
public final class CleanJobBuilder {

  private CleanJobBuilder() {}

  /**
   * @param backoffLimit pod retries inside the Job (Kubernetes backs off exponentially between
   *     them)
   */
  public static Job build(
      Backup backup, String backupPath, JobSettings settings, int backoffLimit) {
    return build(backup, backupPath, settings, backoffLimit, null);
  }

  /**
   * @param activeDeadlineSeconds how long the Job may take, pod retries included, before Kubernetes
   *     fails it (null: no deadline)
   */
  public static Job build(
      Backup backup,
      String backupPath,
      JobSettings settings,
      int backoffLimit,
      Long activeDeadlineSeconds) {
    BackupSpec spec = backup.getSpec();
    String name = backup.getMetadata().getName();
    String ns = backup.getMetadata().getNamespace();
    List<Volume> volumes = ToolPod.baseVolumes(null);
    List<VolumeMount> mounts = ToolPod.baseMounts(null, null);
    ToolPod.addUserVolumes(spec, volumes, mounts);

    List<EnvVar> env = new ArrayList<>();
    env.add(StorageEnv.plain(JobEnv.SPEC, Serde.json(BackupJobBuilder.agentSpec(spec))));
    String sas =
        spec.azblob == null ? null : Names.sasSecret("backup", backup, spec.azblob.sasToken);
    env.addAll(StorageEnv.of(spec, sas));

    Container main =
        new ContainerBuilder()
            .withName(CLEAN)
            .withImage(settings.agentImage())
            .withImagePullPolicy(settings.imagePullPolicy())
            .withArgs(
                "agent",
                CLEAN,
                option(NAMESPACE, ns),
                option(BACKUP_NAME, name),
                option(BACKUP_PATH, backupPath))
            .withEnv(StorageEnv.overrideByName(env, spec.env))
            .withResources(spec.resources)
            .withVolumeMounts(mounts)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();
    // no owner reference: a foreground deletion of the Backup must not garbage-collect its own
    // clean Job;
    // the operator deletes the Job when the clean is done
    // it belongs to the Backup by UID (the name is shared by a Backup re-created under it); see
    // ToolJobs.belongsTo
    Map<String, String> owner = new java.util.LinkedHashMap<>();
    owner.put(Names.BACKUP_ANNOTATION, name);
    if (io.tidbbackup.operator.surface.ApiSurface.of(backup)
        != io.tidbbackup.operator.surface.ApiSurface.V1) {
      // a br.pingcap.com Backup's clean Job: never taken for the same-named pingcap.com one's
      owner.put(
          Names.BACKUP_GROUP_ANNOTATION,
          io.tidbbackup.operator.surface.ApiSurface.of(backup).group());
    }
    if (backup.getMetadata().getUid() != null) {
      owner.put(Names.BACKUP_UID_ANNOTATION, backup.getMetadata().getUid());
    }
    Job job =
        ToolPod.job(
            backup,
            Names.cleanJob(name),
            Names.backupJobLabels(backup, "clean"),
            owner,
            backoffLimit,
            ToolPod.podSpec(spec, List.of(), main, volumes));
    // the agent exits 2 when it refuses its input (nothing deleted): another pod would only refuse
    // again
    job.getSpec()
        .setPodFailurePolicy(
            new io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder()
                .addNewRule()
                .withAction("FailJob")
                .withNewOnExitCodes()
                .withContainerName(CLEAN)
                .withOperator("In")
                .withValues(REFUSED)
                .endOnExitCodes()
                .endRule()
                .build());
    job.getSpec().setActiveDeadlineSeconds(activeDeadlineSeconds);
    return job;
  }

  /**
   * The Secrets the clean Job of {@code backup} refers to, read from the Job this class builds (so
   * they are exactly what it mounts): the env's secretKeyRefs and envFrom, secret and projected
   * volumes, and the image pull Secrets. Sorted, without duplicates.
   */
  public static java.util.SortedSet<String> secretNames(Backup backup, JobSettings settings) {
    String path = backup.getStatus() == null ? null : backup.getStatus().backupPath;
    io.fabric8.kubernetes.api.model.PodSpec pod =
        build(backup, path == null ? "" : path, settings, 0).getSpec().getTemplate().getSpec();
    java.util.SortedSet<String> out =
        new java.util.TreeSet<>(
            java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
    List<Container> containers = new ArrayList<>(pod.getContainers());
    if (pod.getInitContainers() != null) {
      containers.addAll(pod.getInitContainers());
    }
    for (Container c : containers) {
      for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
          out.add(e.getValueFrom().getSecretKeyRef().getName());
        }
      }
      if (c.getEnvFrom() != null) {
        c.getEnvFrom().stream()
            .filter(f -> f.getSecretRef() != null)
            .forEach(f -> out.add(f.getSecretRef().getName()));
      }
    }
    for (Volume v : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
      if (v.getSecret() != null) {
        out.add(v.getSecret().getSecretName());
      }
      if (v.getProjected() != null && v.getProjected().getSources() != null) {
        v.getProjected().getSources().stream()
            .filter(src -> src.getSecret() != null)
            .forEach(src -> out.add(src.getSecret().getName()));
      }
    }
    if (pod.getImagePullSecrets() != null) {
      pod.getImagePullSecrets().forEach(r -> out.add(r.getName()));
    }
    out.removeIf(n -> n == null || n.isEmpty());
    return out;
  }
}
