package io.tidbbackup.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.status.Conditions;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The scripted walk of {@code sandbox demo}: a Backup with {@code cleanPolicy: Delete} goes
 * Complete, a Restore from it goes Complete, the Backup is deleted, the clean Job empties its
 * prefix, and objects planted beside the prefix are still there. Every step is checked, not just
 * waited for; the summary says which passed.
 */
public final class SandboxDemo {
  static final String NS = "tidb";
  static final String BUCKET = "sandbox";
  static final String PARENT = "demo";
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

  /**
   * Objects that must survive: a sibling backup whose name extends ours, another backup, the bucket
   * root.
   */
  static final List<String> SENTINELS =
      List.of(
          PARENT + "/backup-10/backupmeta",
          PARENT + "/backup-1-old/backupmeta",
          PARENT + "/backup-1.tmp",
          "README.txt");

  private final Sandbox sb;
  private final PrintStream out;
  private final KubernetesClient client;
  private final List<String> passed = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();

  public SandboxDemo(Sandbox sb, PrintStream out) {
    this.sb = sb;
    this.out = out;
    this.client = sb.client();
  }

  /**
   * Namespace tidb, its S3 credentials Secret and Job ServiceAccount, the bucket, and the sentinel
   * objects.
   */
  public void prepare() {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-secret")
                .withNamespace(NS)
                .endMetadata()
                .withData(
                    Map.of(
                        "access_key",
                        b64(Sandbox.ACCESS_KEY),
                        "secret_key",
                        b64(Sandbox.SECRET_KEY)))
                .build())
        .create();
    // the Job ServiceAccount, as the chart creates it in a watched namespace
    io.tidbbackup.controlplane.LocalCluster.jobServiceAccount(client, NS);
    try (S3Client s3 = s3()) {
      s3.createBucket(b -> b.bucket(BUCKET));
      for (String k : SENTINELS) {
        s3.putObject(
            b -> b.bucket(BUCKET).key(k), RequestBody.fromString("sentinel: must survive"));
      }
    }
  }

  public String backupYaml(String name) {
    return """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata:
          name: %s
          namespace: %s
        spec:
          cleanPolicy: Delete
          br:
            cluster: basic
          s3:
            provider: minio
            endpoint: %s
            forcePathStyle: true
            secretName: s3-secret
            bucket: %s
            prefix: %s/%s
          env:
            # read by the sandbox node's stand-in br: how many objects its backup writes
            - name: STANDIN_OBJECTS
              value: "%d"
        """
        .formatted(name, NS, sb.s3Endpoint(), BUCKET, PARENT, name, sb.objects);
  }

  public String restoreYaml(String name, String backup) {
    return """
        apiVersion: pingcap.com/v1alpha1
        kind: Restore
        metadata:
          name: %s
          namespace: %s
        spec:
          br:
            cluster: basic
          s3:
            provider: minio
            endpoint: %s
            forcePathStyle: true
            secretName: s3-secret
            bucket: %s
            prefix: %s/%s
        """
        .formatted(name, NS, sb.s3Endpoint(), BUCKET, PARENT, backup);
  }

  /** Runs the walk; true when every step passed. */
  public boolean run() throws Exception {
    Instant t0 = Instant.now();
    prepare();
    String prefix = PARENT + "/backup-1/";

    step(
        "Backup backup-1 (cleanPolicy Delete) reaches Complete",
        () -> {
          client.resource(Serde.YAML.readValue(backupYaml("backup-1"), Backup.class)).create();
          Backup b =
              await(
                  () -> {
                    Backup x = backup("backup-1");
                    return x != null
                            && x.getStatus() != null
                            && ConditionTypes.COMPLETE.equals(x.getStatus().phase)
                        ? x
                        : null;
                  });
          var st = b.getStatus();
          out.printf(
              "  phase %s, commitTs %s, size %s, path %s, took %s%n",
              st.phase, st.commitTs, st.backupSizeReadable, st.backupPath, st.timeTaken);
          int n = keys(prefix).size();
          out.printf("  %d objects under s3://%s/%s%n", n, BUCKET, prefix);
          check(n > 0, "the backup wrote no objects");
          check(
              b.hasFinalizer("tidb.pingcap.com/backup-protection"),
              "the Backup has no protection finalizer");
          return null;
        });

    step(
        "Restore restore-1 from it reaches Complete",
        () -> {
          client
              .resource(Serde.YAML.readValue(restoreYaml("restore-1", "backup-1"), Restore.class))
              .create();
          Restore r =
              await(
                  () -> {
                    Restore x =
                        client.resources(Restore.class).inNamespace(NS).withName("restore-1").get();
                    return x != null
                            && x.getStatus() != null
                            && ConditionTypes.COMPLETE.equals(x.getStatus().phase)
                        ? x
                        : null;
                  });
          out.printf(
              "  phase %s, commitTs %s, progress %s%n",
              r.getStatus().phase,
              r.getStatus().commitTs,
              r.getStatus().progresses == null
                  ? "-"
                  : r.getStatus().progresses.get(0).step
                      + " "
                      + r.getStatus().progresses.get(0).progress
                      + "%");
          check(
              Objects.equals(r.getStatus().commitTs, backup("backup-1").getStatus().commitTs),
              "the restore's commitTs is not the backup's");
          return null;
        });

    step(
        "kubectl delete backup backup-1: the clean Job empties the prefix and the Backup goes",
        () -> {
          client.resources(Backup.class).inNamespace(NS).withName("backup-1").delete();
          String[] last = {null};
          await(
              () -> {
                Backup x = backup("backup-1");
                if (x != null && x.getStatus() != null) {
                  BackupCondition c =
                      Conditions.find(x.getStatus().conditions, ConditionTypes.CLEAN);
                  String line = c == null ? null : "  Clean=" + c.status + ": " + c.message;
                  if (line != null && !line.equals(last[0])) {
                    out.println(line);
                    last[0] = line;
                  }
                }
                return x == null ? Boolean.TRUE : null;
              });
          List<String> left = keys(prefix);
          out.printf("  %d objects left under s3://%s/%s%n", left.size(), BUCKET, prefix);
          check(
              left.isEmpty(),
              "objects are left under the prefix: " + left.subList(0, Math.min(5, left.size())));
          check(
              client.batch().v1().jobs().inNamespace(NS).withName("clean-backup-1").get() == null,
              "the clean Job was not removed");
          return null;
        });

    step(
        "Nothing outside the prefix was touched",
        () -> {
          List<String> all = keys("");
          for (String s : SENTINELS) {
            check(all.contains(s), "sentinel " + s + " is gone");
          }
          out.printf(
              "  %d sentinel objects beside the prefix are intact: %s%n",
              SENTINELS.size(), SENTINELS);
          return null;
        });

    step(
        "The operator's metrics count the clean",
        () -> {
          String metrics =
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + sb.http.port() + "/metrics"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          String line =
              metrics
                  .lines()
                  .filter(
                      l -> l.startsWith("tidb_backup_clean_objects_deleted_total{provider=\"s3\"}"))
                  .findFirst()
                  .orElse(null);
          // the clean ran in a Job: its counters are the Job's; the operator counts what the Job
          // reported
          out.println("  " + (line == null ? "(no clean counted by the operator)" : line));
          check(line != null, "the operator exported no clean counter");
          return null;
        });

    out.printf(
        "%nsandbox demo: %d passed, %d failed (%.1f s)%n",
        passed.size(), failed.size(), Duration.between(t0, Instant.now()).toMillis() / 1000.0);
    failed.forEach(f -> out.println("  FAILED: " + f));
    return failed.isEmpty();
  }

  interface Step {
    Object run() throws Exception;
  }

  private void step(String title, Step body) {
    out.println();
    out.println("== " + title);
    if (!failed.isEmpty()) {
      out.println("  skipped: an earlier step failed");
      failed.add(title + " (not run)");
      return;
    }
    try {
      body.run();
      passed.add(title);
      out.println("  ok");
    } catch (Exception | AssertionError e) {
      failed.add(title + ": " + e.getMessage());
      out.println("  FAILED: " + e.getMessage());
    }
  }

  static void check(boolean ok, String message) {
    if (!ok) {
      throw new AssertionError(message);
    }
  }

  /**
   * Polls every 200 ms until {@code probe} gives a value; fails the step after {@link
   * #STEP_TIMEOUT}.
   */
  static <T> T await(Supplier<T> probe) throws InterruptedException {
    Instant deadline = Instant.now().plus(STEP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      T v = probe.get();
      if (v != null) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out after " + STEP_TIMEOUT.toSeconds() + " s");
  }

  private Backup backup(String name) {
    return client.resources(Backup.class).inNamespace(NS).withName(name).get();
  }

  private List<String> keys(String prefix) {
    try (S3Client s3 = s3()) {
      return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
          .map(S3Object::key)
          .toList();
    }
  }

  private S3Client s3() {
    return S3Client.builder()
        .endpointOverride(URI.create(sb.s3Endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(Sandbox.ACCESS_KEY, Sandbox.SECRET_KEY)))
        .build();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
