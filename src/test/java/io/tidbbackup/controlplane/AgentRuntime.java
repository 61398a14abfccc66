package io.tidbbackup.controlplane;

import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Progress;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.api.StorageType;
import io.tidbbackup.controlplane.LocalKubelet.Outcome;
import io.tidbbackup.controlplane.LocalKubelet.PodRun;
import io.tidbbackup.storage.StorageLocation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * What the local kubelet's containers do. {@code agent clean} runs for real: this project's agent
 * as its own process, with the pod's resolved env and a termination-message file, so its exit code,
 * its output and a SIGTERM on pod deletion behave as in a cluster. BR, Dumpling, Lightning and
 * tikv-ctl cannot run here, so a backup writes a synthetic backup in BR's layout under its S3
 * prefix, a restore reads its {@code backupmeta}, and a compaction or a log subcommand reports
 * success; each reports as the agent would. A test can replace what the pods it picks do ({@link
 * #override}).
 */
public final class AgentRuntime implements LocalKubelet.ContainerRuntime {
  static final String TSO_BASE = "4500000000000";

  private volatile int objectsPerBackup;
  private final Consumer<String> log;
  private final List<Override> overrides = new CopyOnWriteArrayList<>();

  private record Override(Predicate<PodRun> which, Function<PodRun, Outcome> outcome) {}

  public AgentRuntime(int objectsPerBackup, Consumer<String> log) {
    this.objectsPerBackup = objectsPerBackup;
    this.log = log;
  }

  /** How many objects a simulated snapshot backup writes from now on. */
  public void objectsPerBackup(int n) {
    objectsPerBackup = n;
  }

  /** From now on the pods {@code which} picks end with {@code outcome} instead. */
  public void override(Predicate<PodRun> which, Function<PodRun, Outcome> outcome) {
    overrides.add(0, new Override(which, outcome));
  }

  public void clearOverrides() {
    overrides.clear();
  }

  @java.lang.Override
  public Outcome run(PodRun run) throws Exception {
    for (Override o : overrides) {
      if (o.which().test(run)) {
        return o.outcome().apply(run);
      }
    }
    List<String> args = run.args();
    String command = args.size() > 1 && args.get(0).equals("agent") ? args.get(1) : "?";
    return switch (command) {
      case "clean" -> agentProcess(run);
      case "backup" -> args.contains("--mode=log") ? logSubcommand(run) : backup(run);
      case "restore" -> restore(run);
      case "compact" -> compact(run);
      default -> new Outcome(2, Serde.json(error("the local kubelet cannot run " + args)));
    };
  }

  /** The real agent, as a process on this machine's JVM and the test class path. */
  private Outcome agentProcess(PodRun run) throws Exception {
    Path dir = Files.createTempDirectory("pod-" + run.pod());
    Path termination = dir.resolve("termination-log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                "io.tidbbackup.Main"));
    cmd.addAll(run.args());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(run.log().toFile()));
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().putAll(run.env());
    pb.environment().put(JobEnv.TERMINATION_LOG, termination.toString());
    Process p = pb.start();
    try {
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        if (run.cancelled().getAsBoolean()) {
          p.destroy(); // SIGTERM, as the kubelet sends
          p.waitFor(10, TimeUnit.SECONDS);
          p.destroyForcibly();
          return new Outcome(143, null);
        }
      }
    } catch (InterruptedException e) {
      p.destroy();
      throw e;
    }
    String message =
        Files.exists(termination) ? Files.readString(termination, StandardCharsets.UTF_8) : null;
    log.accept(
        "kubelet: "
            + run.namespace()
            + "/"
            + run.pod()
            + " agent exited "
            + p.exitValue()
            + ", output in "
            + run.log());
    return new Outcome(p.exitValue(), message == null || message.isEmpty() ? null : message);
  }

  /** A compaction: tikv-ctl's last progress line as the agent reports it, then success. */
  private Outcome compact(PodRun run) {
    run.print(
        new AgentProtocol.StepProgress(
                "Compaction", 100.0, "[READ_META(1/1),COMPACT_WORK(512/512)]")
            .line());
    return success(null);
  }

  /**
   * A synthetic BR snapshot backup: backupmeta (holding the commit TS), a lock, SST files in store
   * dirs.
   */
  private Outcome backup(PodRun run) throws Exception {
    BackupSpec spec = Serde.fromJson(run.env().get(JobEnv.SPEC), BackupSpec.class);
    StorageLocation loc = s3Location(spec);
    String commitTs = TSO_BASE + String.format("%06d", Instant.now().getEpochSecond() % 1_000_000);
    long size;
    try (S3Client s3 = s3(spec, run)) {
      String p = loc.prefix().isEmpty() ? "" : loc.prefix() + "/";
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < objectsPerBackup - 2; i++) {
        keys.add(
            p
                + (1 + i % 3)
                + "/"
                + (1000 + i)
                + "_"
                + (i % 7)
                + "_"
                + (i % 2 == 0 ? "default" : "write")
                + ".sst");
      }
      byte[] sst = new byte[512];
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> puts = new ArrayList<>();
        for (String k : keys) {
          puts.add(
              pool.submit(
                  () ->
                      s3.putObject(
                          b -> b.bucket(loc.bucket()).key(k), RequestBody.fromBytes(sst))));
        }
        for (Future<?> f : puts) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      size = (long) keys.size() * sst.length;
      s3.putObject(
          b -> b.bucket(loc.bucket()).key(p + "backup.lock"),
          RequestBody.fromString("local kubelet"));
      s3.putObject(
          b -> b.bucket(loc.bucket()).key(p + "backupmeta"), RequestBody.fromString(commitTs));
    }
    AgentResult r = new AgentResult();
    r.success = true;
    r.exitCode = 0;
    r.commitTs = commitTs;
    r.backupSize = size;
    r.backupPath = loc.url();
    r.progresses = List.of(progress("Full Backup", 100.0, run));
    return new Outcome(0, Serde.json(r));
  }

  /**
   * A log subcommand: log-start writes BR's log-backup marker files, so that a clean has something
   * to delete.
   */
  private Outcome logSubcommand(PodRun run) throws Exception {
    BackupSpec spec = Serde.fromJson(run.env().get(JobEnv.SPEC), BackupSpec.class);
    StorageLocation loc = s3Location(spec);
    AgentResult r = new AgentResult();
    r.success = true;
    r.exitCode = 0;
    r.backupPath = loc.url();
    if (run.args().stream().anyMatch(a -> a.equals("--subcommand=log-start"))) {
      String p = loc.prefix().isEmpty() ? "" : loc.prefix() + "/";
      try (S3Client s3 = s3(spec, run)) {
        for (String k :
            List.of("backup.lock", "v1/backupmeta/1.meta", "v1/global_checkpoint/1.ts")) {
          s3.putObject(
              b -> b.bucket(loc.bucket()).key(p + k), RequestBody.fromString("log backup"));
        }
      }
      r.commitTs = TSO_BASE + String.format("%06d", Instant.now().getEpochSecond() % 1_000_000);
    }
    return new Outcome(0, Serde.json(r));
  }

  /**
   * A restore reads the backup's backupmeta, as BR does first; a missing backup fails like BR
   * would.
   */
  private Outcome restore(PodRun run) throws Exception {
    RestoreSpec spec = Serde.fromJson(run.env().get(JobEnv.SPEC), RestoreSpec.class);
    StorageLocation loc = s3Location(spec);
    String meta = (loc.prefix().isEmpty() ? "" : loc.prefix() + "/") + "backupmeta";
    try (S3Client s3 = s3(spec, run)) {
      String commitTs = s3.getObjectAsBytes(b -> b.bucket(loc.bucket()).key(meta)).asUtf8String();
      AgentResult r = new AgentResult();
      r.success = true;
      r.exitCode = 0;
      r.commitTs = run.args().contains("--abort=true") ? null : commitTs;
      r.progresses = List.of(progress("Full Restore", 100.0, run));
      return new Outcome(0, Serde.json(r));
    } catch (NoSuchKeyException e) {
      return new Outcome(
          1,
          Serde.json(
              error(
                  "[ERROR] [restore.go:1] [\"failed to read backupmeta\"] "
                      + "[error=\"[BR:ExternalStorage:ErrStorageInvalidConfig] "
                      + loc.url()
                      + "/backupmeta not found\"]")));
    }
  }

  /** A step's progress, printed to the pod's log as the agent prints it. */
  static Progress progress(String step, double percent, PodRun run) {
    run.print(new AgentProtocol.StepProgress(step, percent, null).line());
    Progress p = new Progress();
    p.step = step;
    p.progress = percent;
    return p;
  }

  static Outcome success(String commitTs) {
    AgentResult r = new AgentResult();
    r.success = true;
    r.exitCode = 0;
    r.commitTs = commitTs;
    return new Outcome(0, Serde.json(r));
  }

  static StorageLocation s3Location(StorageProvider spec) {
    if (spec.storageType() != StorageType.S3) {
      throw new IllegalArgumentException("the local kubelet simulates tools on S3 only");
    }
    return StorageLocation.of(spec);
  }

  static S3Client s3(StorageProvider spec, PodRun run) {
    return S3Client.builder()
        .endpointOverride(URI.create(spec.s3.endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    run.env().get(JobEnv.AWS_ACCESS_KEY_ID),
                    run.env().get(JobEnv.AWS_SECRET_ACCESS_KEY))))
        .build();
  }

  public static AgentResult error(String message) {
    AgentResult r = new AgentResult();
    r.success = false;
    r.exitCode = 1;
    r.error = message;
    return r;
  }
}
