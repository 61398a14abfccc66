package io.tidbbackup.operator.job;

import static io.tidbbackup.api.AgentProtocol.*;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.CompactSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.ToolJobSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure: CompactBackup → the Job {@code compact-<name>} that runs {@code tikv-ctl
 * compact-log-backup} through the agent. The init container copies {@code tikv-ctl} out of {@code
 * spec.tikvImage} or {@code pingcap/tikv:<version>}; {@code backoffLimit} is {@code maxRetryTimes}
 * (default 6). {@code mode: sharded} is an Indexed Job of {@code shardCount} pods, each retried up
 * to {@code maxRetryTimes} ({@code backoffLimitPerIndex}).
 */
public final class CompactJobBuilder {
  public static final String TIKV_REPO = "pingcap/tikv";
  static final String MAIN_CONTAINER = COMPACT;

  private CompactJobBuilder() {}

  public static Job build(CompactBackup cb, ClusterFacts facts, JobSettings settings) {
    CompactSpec spec = cb.getSpec();
    String name = cb.getMetadata().getName();
    ToolJobSpec pod = podFields(spec);
    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                COMPACT,
                option(NAMESPACE, cb.getMetadata().getNamespace()),
                option(COMPACT_NAME, name),
                option(TIKV_VERSION, facts.tikvVersion())));
    List<Volume> volumes = ToolPod.baseVolumes("tikv-ctl");
    List<VolumeMount> mounts = ToolPod.baseMounts("tikv-ctl", JobEnv.TIKV_BIN_DIR);
    ToolPod.addUserVolumes(pod, volumes, mounts);
    String image =
        ToolPod.toolImage(spec.tikvImage, settings.toolRepo(TIKV_REPO), facts.tikvVersion());
    ToolPod.addToolVersion(args, image, facts.tikvVersion());
    Container init =
        ToolPod.copyToolContainer(
            "tikv-ctl", image, "/tikv-ctl", JobEnv.TIKV_BIN_DIR, pod, settings.imagePullPolicy());
    List<EnvVar> env = new ArrayList<>();
    env.add(StorageEnv.plain(JobEnv.SPEC, Serde.json(agentSpec(spec))));
    env.addAll(StorageEnv.of(spec, null));
    Container main =
        new ContainerBuilder()
            .withName(MAIN_CONTAINER)
            .withImage(settings.agentImage())
            .withImagePullPolicy(settings.imagePullPolicy())
            .withArgs(args)
            .withEnv(StorageEnv.overrideByName(env, spec.env))
            .withResources(spec.resources)
            .withVolumeMounts(mounts)
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .build();
    int retries = spec.maxRetryTimes; // defaulted (CrdDefaults)
    Job job =
        ToolPod.job(
            cb,
            Names.compactJob(name),
            Names.compactJobLabels(cb),
            null,
            retries,
            ToolPod.podSpec(pod, List.of(init), main, volumes));
    if ("sharded".equals(spec.mode)) {
      int shards = spec.shardCount == null ? 1 : spec.shardCount;
      job =
          new JobBuilder(job)
              .editSpec()
              .withBackoffLimit(null)
              .withBackoffLimitPerIndex(retries)
              .withCompletionMode("Indexed")
              .withCompletions(shards)
              .withParallelism(shards)
              .endSpec()
              .build();
    }
    return job;
  }

  /** The pod-shaping fields of a CompactSpec, in the shape every tool Job's pod is built from. */
  static ToolJobSpec podFields(CompactSpec c) {
    ToolJobSpec t = new ToolJobSpec();
    t.resources = c.resources;
    t.tolerations = c.tolerations;
    t.imagePullSecrets = c.imagePullSecrets;
    t.affinity = c.affinity;
    t.serviceAccount = c.serviceAccount;
    t.automountServiceAccountToken = c.automountServiceAccountToken;
    t.podSecurityContext = c.podSecurityContext;
    t.priorityClassName = c.priorityClassName;
    t.additionalVolumes = c.additionalVolumes;
    t.additionalVolumeMounts = c.additionalVolumeMounts;
    t.local = c.local;
    return t;
  }

  /**
   * What the agent needs, and nothing else: storage (without secrets), range, mode, concurrency.
   */
  public static CompactSpec agentSpec(CompactSpec spec) {
    CompactSpec s = new CompactSpec();
    ToolPod.copyStorageWithoutSecrets(spec, s);
    s.startTs = spec.startTs;
    s.endTs = spec.endTs;
    s.mode = spec.mode;
    s.shardCount = spec.shardCount;
    s.physicalFileCacheCapacity = spec.physicalFileCacheCapacity;
    s.name = spec.name;
    s.concurrency = spec.concurrency;
    return s;
  }
}
