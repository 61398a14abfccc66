package io.tidbbackup.sandbox;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.agent.CleanAgent;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Progress;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.api.StorageType;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.storage.CleanReport;
import io.tidbbackup.storage.StorageLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Plays the kubelet for the sandbox: every new Job the operator creates is "run" here, its pod and Job status
 * written as Kubernetes would. Clean Jobs run {@code agent clean} for real, in this JVM, against the embedded S3
 * with the credentials their env names. BR and Lightning cannot run here, so a backup Job writes a synthetic
 * backup in BR's layout under its prefix and a restore Job reads its {@code backupmeta}; both report a result in
 * the termination message as the agent would.
 */
public final class LocalJobRunner implements AutoCloseable {
  static final String TSO_BASE = "4500000000000";

  private final KubernetesClient client;
  private final int objectsPerBackup;
  private final Consumer<String> log;
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kubelet"));
  private final ExecutorService pods = Executors.newFixedThreadPool(4, r -> daemon(r, "kubelet-pod"));
  private final Set<String> started = ConcurrentHashMap.newKeySet();

  public LocalJobRunner(KubernetesClient client, int objectsPerBackup, Consumer<String> log) {
    this.client = client;
    this.objectsPerBackup = objectsPerBackup;
    this.log = log;
  }

  public LocalJobRunner start() {
    poller.scheduleWithFixedDelay(this::poll, 0, 200, TimeUnit.MILLISECONDS);
    return this;
  }

  private void poll() {
    try {
      for (Job job : client.batch().v1().jobs().inAnyNamespace().list().getItems()) {
        if (job.getMetadata().getDeletionTimestamp() == null && started.add(job.getMetadata().getUid())) {
          pods.submit(() -> run(job));
        }
      }
    } catch (RuntimeException e) {
      log.accept("kubelet: cannot list Jobs: " + e.getMessage());
    }
  }

  private void run(Job job) {
    String ns = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    Container main = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = main.getArgs();
    String start = Timestamps.format(Instant.now());
    String pod = name + "-sbx" + Long.toString(System.nanoTime() % 100000, 36);
    try {
      setJobStatus(ns, name, new JobStatusBuilder().withActive(1).withStartTime(start).build());
      client.resource(new PodBuilder().withNewMetadata().withName(pod).withNamespace(ns)
          .addToLabels("job-name", name).addNewOwnerReference().withApiVersion("batch/v1").withKind("Job")
          .withName(name).withUid(job.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
          .withNewStatus().withPhase("Running").endStatus().build()).create();
      Map<String, String> env = env(ns, main.getEnv());
      String command = args.size() > 1 ? args.get(1) : "?";
      log.accept("kubelet: Job " + name + " runs `" + String.join(" ", args) + "`");
      Outcome out = switch (command) {
        case "backup" -> backup(env);
        case "restore" -> restore(env, args);
        case "clean" -> clean(env, args);
        default -> new Outcome(2, "{\"success\":false,\"error\":\"the sandbox cannot run " + command + "\"}");
      };
      finish(job, pod, main.getName(), start, out);
    } catch (Exception e) {
      log.accept("kubelet: Job " + name + " failed: " + e);
      finish(job, pod, main.getName(), start, new Outcome(1, Serde.json(error(e.toString()))));
    }
  }

  record Outcome(int exitCode, String terminationMessage) {}

  /** A synthetic BR snapshot backup: backupmeta (holding the commit TS), a lock, SST files in store dirs. */
  private Outcome backup(Map<String, String> env) throws Exception {
    BackupSpec spec = Serde.fromJson(env.get(JobEnv.SPEC), BackupSpec.class);
    StorageLocation loc = s3Location(spec);
    String commitTs = TSO_BASE + String.format("%06d", Instant.now().getEpochSecond() % 1_000_000);
    long size = 0;
    try (S3Client s3 = s3(spec, env)) {
      String p = loc.prefix().isEmpty() ? "" : loc.prefix() + "/";
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < objectsPerBackup - 2; i++) {
        keys.add(p + (1 + i % 3) + "/" + (1000 + i) + "_" + (i % 7) + "_" + (i % 2 == 0 ? "default" : "write") + ".sst");
      }
      byte[] sst = new byte[512];
      List<java.util.concurrent.Future<?>> puts = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(8, r -> daemon(r, "sandbox-br"));
      try {
        for (String k : keys) {
          puts.add(pool.submit(() -> s3.putObject(b -> b.bucket(loc.bucket()).key(k), RequestBody.fromBytes(sst))));
        }
        for (var f : puts) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      size += (long) keys.size() * sst.length;
      s3.putObject(b -> b.bucket(loc.bucket()).key(p + "backup.lock"), RequestBody.fromString("sandbox"));
      s3.putObject(b -> b.bucket(loc.bucket()).key(p + "backupmeta"), RequestBody.fromString(commitTs));
    }
    AgentResult r = new AgentResult();
    r.success = true;
    r.exitCode = 0;
    r.commitTs = commitTs;
    r.backupSize = size;
    r.backupPath = loc.url();
    return new Outcome(0, Serde.json(r));
  }

  /** A restore reads the backup's backupmeta, as BR does first; a missing backup fails like BR would. */
  private Outcome restore(Map<String, String> env, List<String> args) throws Exception {
    RestoreSpec spec = Serde.fromJson(env.get(JobEnv.SPEC), RestoreSpec.class);
    StorageLocation loc = s3Location(spec);
    String meta = (loc.prefix().isEmpty() ? "" : loc.prefix() + "/") + "backupmeta";
    try (S3Client s3 = s3(spec, env)) {
      String commitTs = s3.getObjectAsBytes(b -> b.bucket(loc.bucket()).key(meta)).asUtf8String();
      AgentResult r = new AgentResult();
      r.success = true;
      r.exitCode = 0;
      r.commitTs = args.contains("--abort=true") ? null : commitTs;
      Progress p = new Progress();
      p.step = "Full Restore";
      p.progress = 100.0;
      r.progresses = List.of(p);
      return new Outcome(0, Serde.json(r));
    } catch (NoSuchKeyException e) {
      return new Outcome(1, Serde.json(error("[ERROR] [restore.go:1] [\"failed to read backupmeta\"] "
          + "[error=\"[BR:ExternalStorage:ErrStorageInvalidConfig] " + loc.url() + "/backupmeta not found\"]")));
    }
  }

  /** The real thing: {@code agent clean} with the Job's env, as the container would run it. */
  private Outcome clean(Map<String, String> env, List<String> args) throws Exception {
    BackupSpec spec = Serde.fromJson(env.get(JobEnv.SPEC), BackupSpec.class);
    String path = args.stream().filter(a -> a.startsWith("--backupPath=")).map(a -> a.substring(13)).findFirst()
        .orElse(null);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    try {
      CleanReport r = new CleanAgent(env, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(progress, true, StandardCharsets.UTF_8)).clean(spec, path, false);
      return new Outcome(r.verified() ? 0 : 1, Serde.json(r));
    } catch (IllegalArgumentException e) { // PrefixGuard.UnsafePrefixException among them: nothing was deleted
      return new Outcome(2, "{\"verified\":false,\"error\":" + Serde.json(e.getMessage()) + "}");
    }
  }

  private void finish(Job job, String pod, String container, String start, Outcome out) {
    String ns = job.getMetadata().getNamespace();
    String end = Timestamps.format(Instant.now());
    boolean ok = out.exitCode() == 0;
    client.pods().inNamespace(ns).withName(pod).editStatus(p -> {
      p.getStatus().setPhase(ok ? "Succeeded" : "Failed");
      p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName(container).withNewState()
          .withNewTerminated().withExitCode(out.exitCode()).withReason(ok ? "Completed" : "Error")
          .withMessage(out.terminationMessage()).endTerminated().endState().build()));
      return p;
    });
    setJobStatus(ns, job.getMetadata().getName(), new JobStatusBuilder().withStartTime(start)
        .withCompletionTime(ok ? end : null).withSucceeded(ok ? 1 : 0).withFailed(ok ? 0 : 1)
        .withConditions(new JobConditionBuilder().withType(ok ? "Complete" : "Failed").withStatus("True")
            .withLastTransitionTime(end).withReason(ok ? null : "BackoffLimitExceeded").build())
        .build());
    log.accept("kubelet: Job " + job.getMetadata().getName() + (ok ? " succeeded" : " failed (exit "
        + out.exitCode() + ")"));
  }

  private void setJobStatus(String ns, String name, io.fabric8.kubernetes.api.model.batch.v1.JobStatus status) {
    client.batch().v1().jobs().inNamespace(ns).withName(name).editStatus(j -> {
      j.setStatus(status);
      return j;
    });
  }

  /** The container's env as the kubelet resolves it: plain values and secretKeyRefs (optional ones may be absent). */
  private Map<String, String> env(String ns, List<EnvVar> vars) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar v : vars == null ? List.<EnvVar>of() : vars) {
      if (v.getValue() != null) {
        env.put(v.getName(), v.getValue());
      } else if (v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null) {
        var ref = v.getValueFrom().getSecretKeyRef();
        Secret s = client.secrets().inNamespace(ns).withName(ref.getName()).get();
        String value = s == null ? null : s.getData() != null && s.getData().containsKey(ref.getKey())
            ? new String(Base64.getDecoder().decode(s.getData().get(ref.getKey())), StandardCharsets.UTF_8)
            : s.getStringData() == null ? null : s.getStringData().get(ref.getKey());
        if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
          throw new IllegalStateException("secret " + ns + "/" + ref.getName() + " has no key " + ref.getKey()
              + " (CreateContainerConfigError)");
        }
        if (value != null) {
          env.put(v.getName(), value);
        }
      }
    }
    return env;
  }

  static StorageLocation s3Location(StorageProvider spec) {
    if (spec.storageType() != StorageType.S3) {
      throw new IllegalArgumentException("the sandbox simulates tools on S3 only");
    }
    return StorageLocation.of(spec);
  }

  static S3Client s3(StorageProvider spec, Map<String, String> env) {
    return S3Client.builder().endpointOverride(URI.create(spec.s3.endpoint)).region(Region.US_EAST_1)
        .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
            env.get(JobEnv.AWS_ACCESS_KEY_ID), env.get(JobEnv.AWS_SECRET_ACCESS_KEY)))).build();
  }

  static AgentResult error(String message) {
    AgentResult r = new AgentResult();
    r.success = false;
    r.exitCode = 1;
    r.error = message;
    return r;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    poller.shutdownNow();
    pods.shutdownNow();
  }
}
