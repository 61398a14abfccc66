package io.tidbbackup.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.controlplane.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Small helpers of the end-to-end tests: manifests, waits on our kinds, S3 listings. */
final class E2E {
  static final Duration WAIT = Duration.ofSeconds(90);

  private E2E() {}

  static String backupYaml(
      LocalCluster c, String ns, String name, String bucket, String prefix, String extra) {
    return """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata:
          name: %s
          namespace: %s
        spec:
          br:
            cluster: basic
            clusterNamespace: %s
          s3:
            provider: aws
            secretName: s3-secret
            endpoint: %s
            forcePathStyle: true
            bucket: %s
            prefix: %s
        """
            .formatted(name, ns, ns, c.s3Endpoint(), bucket, prefix)
        + (extra == null ? "" : extra.indent(2));
  }

  static String restoreYaml(LocalCluster c, String ns, String name, String bucket, String prefix) {
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
            provider: aws
            secretName: s3-secret
            endpoint: %s
            forcePathStyle: true
            bucket: %s
            prefix: %s
        """
        .formatted(name, ns, c.s3Endpoint(), bucket, prefix);
  }

  /**
   * Operator settings for one namespace, reading log checkpoints and progress every second, with
   * this PD endpoint and selector (either may be null).
   */
  static io.tidbbackup.operator.settings.OperatorSettings settings(
      String ns, String pdEndpoint, String selector) {
    return new io.tidbbackup.operator.settings.OperatorSettings(
        java.util.Set.of(ns),
        LocalCluster.JOBS,
        io.tidbbackup.operator.settings.OperatorSettings.DEFAULT_TIKV_VERSION,
        true,
        io.tidbbackup.operator.settings.CleanJobPolicy.defaults(),
        null,
        fastPolls(),
        pdEndpoint,
        selector,
        io.tidbbackup.operator.settings.OperatorSettings.V1_ONLY,
        true);
  }

  /**
   * The default intervals, with a log checkpoint and a running Job's progress read every second.
   */
  static io.tidbbackup.operator.settings.ReconcileIntervals fastPolls() {
    io.tidbbackup.operator.settings.ReconcileIntervals i =
        io.tidbbackup.operator.settings.ReconcileIntervals.defaults();
    return new io.tidbbackup.operator.settings.ReconcileIntervals(
        i.oldJob(),
        i.clusterRetry(),
        i.logPoll(),
        i.cleanPoll(),
        i.inProcessPoll(),
        i.startPoll(),
        i.errorRetryStart(),
        i.errorRetryCap(),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        i.secretHoldRecheck());
  }

  static Backup createBackup(KubernetesClient k, String yaml) {
    return k.resource(Serialization.unmarshal(yaml, Backup.class)).create();
  }

  static Restore createRestore(KubernetesClient k, String yaml) {
    return k.resource(Serialization.unmarshal(yaml, Restore.class)).create();
  }

  static Backup backup(KubernetesClient k, String ns, String name) {
    return k.resources(Backup.class).inNamespace(ns).withName(name).get();
  }

  static Restore restore(KubernetesClient k, String ns, String name) {
    return k.resources(Restore.class).inNamespace(ns).withName(name).get();
  }

  static Backup awaitBackup(KubernetesClient k, String ns, String name, Predicate<Backup> p) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Backup b = backup(k, ns, name);
              return b != null && p.test(b);
            });
    return backup(k, ns, name);
  }

  static Predicate<Backup> phase(String phase) {
    return b -> b.getStatus() != null && phase.equals(b.getStatus().phase);
  }

  static void awaitGone(
      KubernetesClient k,
      Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type,
      String ns,
      String name,
      Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> k.resources(type).inNamespace(ns).withName(name).get() == null);
  }

  static List<Job> jobs(KubernetesClient k, String ns) {
    return k.batch().v1().jobs().inNamespace(ns).list().getItems();
  }

  static void bucket(S3Client s3, String bucket) {
    if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  static void put(S3Client s3, String bucket, String key) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("sentinel: must survive"));
  }

  static List<String> keys(S3Client s3, String bucket, String prefix) {
    List<String> out = new ArrayList<>();
    for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
      page.contents().stream().map(S3Object::key).forEach(out::add);
    }
    return out;
  }
}
