package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static io.tidbbackup.e2e.E2E.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.job.Names;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Deleting a namespace that holds Delete-policy snapshot and log backups completes (the namespace
 * controller of a real kube-controller-manager, which forbids new Jobs in a terminating namespace),
 * and every backup's data is cleaned with the credentials the operator held for it (its finalizer
 * on their Secret); the sentinels beside the prefixes survive. Turned off, the Secret is left
 * alone.
 */
class NamespaceDeletionIT {
  static final String BUCKET = "nsdelete";
  static LocalCluster cluster;
  static KubernetesClient k;
  static S3Client s3;

  /** Someone else's finalizer on the credentials Secret, which the operator's patches keep. */
  static final String OTHER = "e2e.tidbbackup.io/other";

  static final OperatorLog logs = new OperatorLog();

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    s3 = cluster.s3();
    E2E.bucket(s3, BUCKET);
    logs.attach();
  }

  @AfterAll
  static void stop() {
    logs.detach();
  }

  /**
   * The operator holds the credentials Secret with its own finalizer while the Delete-policy
   * backups need it (beside a finalizer of someone else's, which its patches keep): when the
   * namespace is deleted the Secret stays until the operator (which may not create a clean Job in a
   * terminating namespace) has cleaned both backups in-process, then it is released and the
   * namespace goes.
   */
  @Test
  void deletingTheNamespaceCleansEverySnapshotAndLogBackupWithTheHeldSecret() throws Exception {
    String ns = cluster.namespace("nsdelete");
    cluster.grantSecretReads();
    List<String> sentinels =
        List.of("a/snap-old/backupmeta", "a/snap1/x", "a/log-other/backupmeta", "ROOT");
    sentinels.forEach(key -> E2E.put(s3, BUCKET, key));
    editFinalizers(ns, f -> f.add(OTHER));
    try (var operator = cluster.startOperator(Set.of(ns))) {
      snapshotAndLogBackups(ns, "a");
      assertThat(finalizers(ns))
          .as("held by the operator, the other finalizer kept")
          .containsExactlyInAnyOrder(OTHER, Names.SECRET_HOLD_FINALIZER);
      editFinalizers(ns, f -> f.remove(OTHER));
      k.namespaces().withName(ns).delete();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> k.resources(Backup.class).inNamespace(ns).list().getItems().isEmpty());
      assertThat(E2E.keys(s3, BUCKET, "a/snap/")).as("the snapshot backup's data").isEmpty();
      assertThat(E2E.keys(s3, BUCKET, "a/log/")).as("the log backup's data").isEmpty();
      assertThat(logs.lines()).anyMatch(l -> l.contains("Backup " + ns + "/log LogStopSkipped"));
      assertThat(logs.lines())
          .noneMatch(l -> l.contains("DataOrphaned") && l.contains("Backup " + ns + "/"));
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> k.namespaces().withName(ns).get() == null);
      assertThat(logs.lines())
          .anyMatch(
              l ->
                  l.contains(
                          "Secret " + ns + "/s3-secret: finalizer " + Names.SECRET_HOLD_FINALIZER)
                      && l.contains("released"));
    }
    for (String key : sentinels) {
      assertThat(E2E.keys(s3, BUCKET, key)).as("sentinel %s", key).containsExactly(key);
    }
  }

  /**
   * A Secret deleted by hand while a Delete-policy Backup needs it stays (being deleted) while the
   * Backup lives; deleting the Backup then runs its clean Job, whose pod reads the Secret on the
   * real node, and once the data is gone the operator's finalizer is removed and someone else's
   * kept (the API server's own merge of the two patches); without that one the Secret goes.
   */
  @Test
  void aSecretDeletedWhileHeldServesTheCleanThenGoes() {
    String ns = cluster.namespace("nsdelete");
    E2E.put(s3, BUCKET, "c/snap-old/backupmeta");
    try (var operator = cluster.startOperator(Set.of(ns))) {
      E2E.createBackup(
          k, E2E.backupYaml(cluster, ns, "snap", BUCKET, "c/snap", "cleanPolicy: Delete"));
      awaitBackup(k, ns, "snap", phase("Complete"));
      assertThat(E2E.keys(s3, BUCKET, "c/snap/")).isNotEmpty();
      await().atMost(E2E.WAIT).until(() -> finalizers(ns).contains(Names.SECRET_HOLD_FINALIZER));
      editFinalizers(ns, f -> f.add(OTHER));
      k.secrets().inNamespace(ns).withName("s3-secret").delete();
      assertThat(k.secrets().inNamespace(ns).withName("s3-secret").get())
          .as("kept, being deleted")
          .satisfies(sec -> assertThat(sec.getMetadata().getDeletionTimestamp()).isNotNull());
      k.resources(Backup.class).inNamespace(ns).withName("snap").delete();
      E2E.awaitGone(k, Backup.class, ns, "snap", E2E.WAIT);
      assertThat(E2E.keys(s3, BUCKET, "c/snap/")).as("cleaned by its Job").isEmpty();
      await().atMost(E2E.WAIT).until(() -> finalizers(ns).equals(List.of(OTHER)));
      editFinalizers(ns, f -> f.remove(OTHER));
      await()
          .atMost(E2E.WAIT)
          .until(() -> k.secrets().inNamespace(ns).withName("s3-secret").get() == null);
    }
    assertThat(E2E.keys(s3, BUCKET, "c/snap-old/backupmeta")).hasSize(1);
  }

  /**
   * Turned off, the operator leaves the Secret alone: the namespace controller deletes it at once,
   * so the operator may have no credentials left to clean with. The namespace deletion still
   * completes, and each backup's data is either gone or reported kept, path named, in the
   * operator's log (the API server refuses Events in a terminating namespace).
   */
  @Test
  void turnedOffTheSecretIsLeftAloneAndTheNamespaceDeletionSaysWhatWasKept() {
    String ns = cluster.namespace("nsdelete");
    try (var operator =
        cluster.startOperator(
            LocalCluster.settings(Set.of(ns), LocalCluster.JOBS).withHoldSecrets(false),
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))) {
      snapshotAndLogBackups(ns, "b");
      assertThat(finalizers(ns)).as("the Secret is left alone").isEmpty();
      k.namespaces().withName(ns).delete();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> k.namespaces().withName(ns).get() == null);
    }
    for (String name : List.of("snap", "log")) {
      String path = "s3://" + BUCKET + "/b/" + name;
      assertThat(
              E2E.keys(s3, BUCKET, "b/" + name + "/").isEmpty()
                  || logs.lines()
                      .anyMatch(
                          l ->
                              l.contains("Backup " + ns + "/" + name + " DataOrphaned")
                                  && l.contains(path)))
          .as("%s is cleaned or reported kept; log:%n%s", path, logs)
          .isTrue();
    }
    assertThat(logs.lines()).noneMatch(l -> l.contains("Secret " + ns + "/"));
  }

  private List<String> finalizers(String ns) {
    var sec = k.secrets().inNamespace(ns).withName("s3-secret").get();
    return sec == null ? List.of() : sec.getMetadata().getFinalizers();
  }

  private void editFinalizers(String ns, java.util.function.Consumer<List<String>> change) {
    k.secrets()
        .inNamespace(ns)
        .withName("s3-secret")
        .edit(
            sec -> {
              change.accept(sec.getMetadata().getFinalizers());
              return sec;
            });
  }

  private void snapshotAndLogBackups(String ns, String parent) {
    E2E.createBackup(
        k, E2E.backupYaml(cluster, ns, "snap", BUCKET, parent + "/snap", "cleanPolicy: Delete"));
    E2E.createBackup(
        k,
        E2E.backupYaml(
            cluster,
            ns,
            "log",
            BUCKET,
            parent + "/log",
            """
        cleanPolicy: Delete
        backupMode: log
        logSubcommand: log-start
        """));
    awaitBackup(k, ns, "snap", phase("Complete"));
    awaitBackup(
        k,
        ns,
        "log",
        b ->
            b.getStatus() != null
                && b.getStatus().logSubCommandStatuses != null
                && b.getStatus().logSubCommandStatuses.containsKey("log-start")
                && "Complete".equals(b.getStatus().logSubCommandStatuses.get("log-start").phase));
    assertThat(E2E.keys(s3, BUCKET, parent + "/snap/")).isNotEmpty();
    assertThat(E2E.keys(s3, BUCKET, parent + "/log/")).isNotEmpty();
  }
}
