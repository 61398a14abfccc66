package io.tidbbackup.operator.job;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.api.ToolJobSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pure helpers that turn the pod-shaping fields every tool Job shares into pod spec parts. */
public final class ToolPod {
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  static final String SCRATCH_VOLUME = "scratch";

  private ToolPod() {}

  /**
   * {@code --toolVersion=<tag>} for the agent when the image's tag names another release than the
   * cluster's TiKV version, so that the agent builds the command line of the tool it runs.
   */
  public static void addToolVersion(List<String> agentArgs, String image, String tikvVersion) {
    String tool = io.tidbbackup.tools.ToolVersion.ofImage(image, tikvVersion);
    if (tool != null && !tool.equals(tikvVersion)) {
      agentArgs.add(
          io.tidbbackup.api.AgentProtocol.option(
              io.tidbbackup.api.AgentProtocol.TOOL_VERSION, tool));
    }
  }

  /**
   * The tool image: spec.toolImage (with {@code :<version>} appended when untagged) or {@code
   * <default>:<version>}.
   */
  public static String toolImage(String toolImage, String defaultRepo, String version) {
    if (toolImage == null || toolImage.isEmpty()) {
      return defaultRepo + ":" + version;
    }
    String last = toolImage.substring(toolImage.lastIndexOf('/') + 1);
    return last.contains(":") || last.contains("@") ? toolImage : toolImage + ":" + version;
  }

  /** Init container that copies a tool binary out of its official image into an emptyDir. */
  public static Container copyToolContainer(
      String name, String image, String binary, String dir, ToolJobSpec spec, String pullPolicy) {
    String volume = name + "-bin";
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withImagePullPolicy(pullPolicy)
        .withCommand(
            "/bin/sh", "-c", "cp " + binary + " " + dir + "/; echo '" + name + " copy finished'")
        .withResources(spec.resources)
        .withVolumeMounts(new VolumeMountBuilder().withName(volume).withMountPath(dir).build())
        .build();
  }

  public static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  public static Volume secretVolume(String name, String secret) {
    return new VolumeBuilder()
        .withName(name)
        .withNewSecret()
        .withSecretName(secret)
        .endSecret()
        .build();
  }

  public static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }

  /**
   * Volumes every tool pod has: the tool's bin dir and a scratch dir (the agent runs with a
   * read-only root).
   */
  public static List<Volume> baseVolumes(String toolContainer) {
    List<Volume> v = new ArrayList<>();
    if (toolContainer != null) {
      v.add(emptyDir(toolContainer + "-bin"));
    }
    v.add(emptyDir(SCRATCH_VOLUME));
    return v;
  }

  public static List<VolumeMount> baseMounts(String toolContainer, String toolDir) {
    List<VolumeMount> m = new ArrayList<>();
    if (toolContainer != null) {
      m.add(mount(toolContainer + "-bin", toolDir, false));
    }
    m.add(mount(SCRATCH_VOLUME, JobEnv.SCRATCH_DIR, false));
    return m;
  }

  /** Local storage volume and its mount, then spec.additionalVolumes / additionalVolumeMounts. */
  public static void addUserVolumes(
      ToolJobSpec spec, List<Volume> volumes, List<VolumeMount> mounts) {
    if (spec.local != null) {
      volumes.add(spec.local.volume);
      mounts.add(spec.local.volumeMount);
    }
    if (spec.additionalVolumes != null) {
      volumes.addAll(spec.additionalVolumes);
    }
    if (spec.additionalVolumeMounts != null) {
      mounts.addAll(spec.additionalVolumeMounts);
    }
  }

  /** Pod spec with every pod-shaping field of the CR honoured. */
  /**
   * The user every tool pod runs as unless spec.podSecurityContext says otherwise: the agent
   * image's own numeric non-root user.
   */
  public static final long RUN_AS = 65532L;

  /**
   * A tool pod, which passes Pod Security "restricted" unless the user's podSecurityContext says
   * otherwise. Without spec.podSecurityContext: non-root ({@link #RUN_AS}, also the group and
   * fsGroup, so an emptyDir or a PVC is writable) and seccomp RuntimeDefault. With it, the user's
   * settings are kept and only what they leave unset is added: seccomp RuntimeDefault, runAsNonRoot
   * unless they ask for uid 0 (a local volume that needs root), and {@link #RUN_AS} as the user
   * when they name none and do not allow root. Every container, in both cases, runs without
   * privilege escalation or capabilities (the init containers only copy a tool binary out of its
   * image; the agent needs none): the spec has no container-level security settings that could say
   * otherwise.
   */
  public static PodSpec podSpec(
      ToolJobSpec spec, List<Container> init, Container main, List<Volume> volumes) {
    PodSecurityContext pod =
        spec.podSecurityContext == null ? restrictedPod() : completed(spec.podSecurityContext);
    init =
        init.stream()
            .map(c -> new ContainerBuilder(c).withSecurityContext(restrictedContainer()).build())
            .toList();
    main = new ContainerBuilder(main).withSecurityContext(restrictedContainer()).build();
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withServiceAccountName(
            spec.serviceAccount == null || spec.serviceAccount.isEmpty()
                ? ApiConstants.DEFAULT_SERVICE_ACCOUNT
                : spec.serviceAccount)
        .withAutomountServiceAccountToken(spec.automountServiceAccountToken)
        .withSecurityContext(pod)
        .withTolerations(spec.tolerations)
        .withImagePullSecrets(spec.imagePullSecrets)
        .withAffinity(spec.affinity)
        .withPriorityClassName(spec.priorityClassName)
        .withInitContainers(init)
        .withContainers(main)
        .withVolumes(volumes)
        .build();
  }

  /** The user's pod security context with what "restricted" needs and they left unset. */
  static PodSecurityContext completed(PodSecurityContext user) {
    PodSecurityContextBuilder b = new PodSecurityContextBuilder(user);
    if (user.getSeccompProfile() == null) {
      b.withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
    }
    boolean root = user.getRunAsUser() != null && user.getRunAsUser() == 0L;
    if (user.getRunAsNonRoot() == null && !root) {
      b.withRunAsNonRoot(true);
    }
    // non-root without a user would refuse a tool image that runs as root (the init container)
    if (user.getRunAsUser() == null && !Boolean.FALSE.equals(user.getRunAsNonRoot())) {
      b.withRunAsUser(RUN_AS);
    }
    return b.build();
  }

  static PodSecurityContext restrictedPod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS)
        .withRunAsGroup(RUN_AS)
        .withFsGroup(RUN_AS)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  static SecurityContext restrictedContainer() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }

  /**
   * The fields every tool agent needs, copied into an empty spec: storage without secrets, the BR
   * configuration, table filters and backup type. The rest of each kind's whitelist is its own.
   */
  public static <T extends io.tidbbackup.api.ToolJobSpec> T agentCommon(
      io.tidbbackup.api.ToolJobSpec from, T to) {
    copyStorageWithoutSecrets(from, to);
    to.br = from.br;
    to.tableFilter = from.tableFilter;
    to.backupType = from.backupType;
    return to;
  }

  /**
   * Copies {@code from}'s storage into {@code to}, without the inline SAS token and the local
   * volume source.
   */
  public static void copyStorageWithoutSecrets(StorageProvider from, StorageProvider to) {
    StorageProvider storage = Serde.copy(from, StorageProvider.class);
    withoutSecrets(storage);
    to.s3 = storage.s3;
    to.gcs = storage.gcs;
    to.azblob = storage.azblob;
    to.local = storage.local;
  }

  /**
   * Removes the inline SAS token and the local volume source (the agent needs only the mount path).
   */
  public static void withoutSecrets(StorageProvider p) {
    if (p == null) {
      return;
    }
    if (p.azblob != null) {
      p.azblob.sasToken = null;
    }
    if (p.local != null) {
      p.local.volume = null;
    }
  }

  /**
   * The CR's annotations for the pod, without kubectl's last-applied copy of the spec (it may hold
   * a SAS token).
   */
  public static Map<String, String> podAnnotations(HasMetadata cr) {
    Map<String, String> a = cr.getMetadata().getAnnotations();
    if (a == null || a.isEmpty()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>(a);
    out.remove(LAST_APPLIED);
    return out.isEmpty() ? null : out;
  }

  /**
   * A tool Job for {@code cr}: the same labels on Job and pod, the CR's annotations on the pod, and
   * either an owner reference to the CR ({@code jobAnnotations == null}) or, for Jobs that must
   * outlive a foreground deletion of the CR, annotations naming it instead.
   */
  public static Job job(
      HasMetadata cr,
      String name,
      Map<String, String> labels,
      Map<String, String> jobAnnotations,
      int backoffLimit,
      PodSpec pod) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(jobAnnotations)
        .withOwnerReferences(jobAnnotations == null ? List.of(controllerRef(cr)) : List.of())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(backoffLimit)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(podAnnotations(cr))
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }

  public static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
