package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static io.tidbbackup.e2e.E2E.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.controlplane.LocalCluster;
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
 * and every backup's data is cleaned; the sentinels beside the prefixes survive.
 */
class NamespaceDeletionIT {
  static final String BUCKET = "nsdelete";
  static LocalCluster cluster;
  static KubernetesClient k;
  static S3Client s3;
  static final String HOLD = "e2e.tidbbackup.io/hold";
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
   * The credentials Secret is held by a finalizer of the test, as a Secret with a foreign finalizer
   * would be: the operator (which may not create a clean Job in a terminating namespace) cleans
   * both backups in-process.
   */
  @Test
  void deletingTheNamespaceCompletesAndCleansEverySnapshotAndLogBackup() throws Exception {
    String ns = cluster.namespace("nsdelete");
    cluster.grantSecretReads();
    List<String> sentinels =
        List.of("a/snap-old/backupmeta", "a/snap1/x", "a/log-other/backupmeta", "ROOT");
    sentinels.forEach(key -> E2E.put(s3, BUCKET, key));
    k.secrets()
        .inNamespace(ns)
        .withName("s3-secret")
        .edit(
            s -> {
              s.getMetadata().getFinalizers().add(HOLD);
              return s;
            });
    try (var operator = cluster.startOperator(Set.of(ns))) {
      snapshotAndLogBackups(ns, "a");
      k.namespaces().withName(ns).delete();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> k.resources(Backup.class).inNamespace(ns).list().getItems().isEmpty());
      assertThat(E2E.keys(s3, BUCKET, "a/snap/")).as("the snapshot backup's data").isEmpty();
      assertThat(E2E.keys(s3, BUCKET, "a/log/")).as("the log backup's data").isEmpty();
      assertThat(logs.lines()).anyMatch(l -> l.contains("Backup " + ns + "/log LogStopSkipped"));
      k.secrets()
          .inNamespace(ns)
          .withName("s3-secret")
          .edit(
              s -> {
                s.getMetadata().getFinalizers().remove(HOLD);
                return s;
              });
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> k.namespaces().withName(ns).get() == null);
    }
    for (String key : sentinels) {
      assertThat(E2E.keys(s3, BUCKET, key)).as("sentinel %s", key).containsExactly(key);
    }
  }

  /**
   * Without a hold the namespace controller deletes the credentials Secret at once, so the operator
   * may have no credentials left to clean with. The namespace deletion still completes, and each
   * backup's data is either gone or reported kept, path named, in the operator's log (the API
   * server refuses Events in a terminating namespace).
   */
  @Test
  void deletingTheNamespaceCompletesWhenTheCredentialsAreGoneAndSaysWhatWasKept() {
    String ns = cluster.namespace("nsdelete");
    try (var operator = cluster.startOperator(Set.of(ns))) {
      snapshotAndLogBackups(ns, "b");
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
