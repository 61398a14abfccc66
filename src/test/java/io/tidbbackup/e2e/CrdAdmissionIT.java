package io.tidbbackup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tidbbackup.controlplane.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs on a real kube-apiserver: they are accepted (structural schema, CEL cost
 * limits), every example is admitted, the API server itself rejects what the CEL rules and enums
 * forbid with the field named, and the schema's defaults appear on stored objects.
 */
class CrdAdmissionIT {
  static LocalCluster cluster;
  static KubernetesClient admin;
  static String ns;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    admin = cluster.admin;
    ns = cluster.namespace("admission");
  }

  @Test
  void everyCrdIsEstablishedWithItsShortNamesAndPrinterColumns() {
    for (String name :
        List.of(
            "backups.pingcap.com",
            "restores.pingcap.com",
            "backupschedules.pingcap.com",
            "compactbackups.pingcap.com")) {
      var crd = admin.apiextensions().v1().customResourceDefinitions().withName(name).get();
      assertThat(crd.getStatus().getConditions())
          .as(name)
          .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"))
          .noneMatch(
              c -> c.getType().equals("NonStructuralSchema") && c.getStatus().equals("True"));
      assertThat(crd.getStatus().getAcceptedNames().getShortNames()).as(name).isNotEmpty();
    }
  }

  @Test
  void everyExampleIsAdmittedByTheApiServer() throws Exception {
    List<Path> examples;
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(30);
    for (Path f : examples) {
      GenericKubernetesResource r =
          Serialization.unmarshal(Files.readString(f), GenericKubernetesResource.class);
      r.getMetadata().setNamespace(ns);
      GenericKubernetesResource stored = admin.resource(r).create();
      assertThat(stored.getMetadata().getUid()).as(f.toString()).isNotEmpty();
      admin.resource(stored).withGracePeriod(0).delete();
    }
  }

  @Test
  void theBackoffRetryPolicyDefaultsAreStoredByTheApiServer() {
    GenericKubernetesResource stored =
        admin
            .resource(
                backup(
                    "defaults",
                    """
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: p}
        """))
            .create();
    Map<String, Object> spec = stored.get("spec");
    assertThat(spec)
        .containsEntry(
            "backoffRetryPolicy",
            Map.of("minRetryDuration", "300s", "maxRetryTimes", 2, "retryTimeout", "30m"));
    assertThat(spec).containsEntry("backupMode", "snapshot").containsEntry("cleanPolicy", "Retain");
    admin.resource(stored).withGracePeriod(0).delete();
  }

  @Test
  void theApiServerRejectsTwoStorageProvidersNamingTheRule() {
    assertRejected(
        backup(
            "two-stores",
            """
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: p}
        gcs: {projectId: pj, bucket: b, prefix: p}
        """),
        "set at most one storage provider of s3, gcs, azblob and local");
  }

  /** BR would write team/backup-1%2Fweekly to team/backup-1/weekly: Backup team/backup-1's data. */
  @Test
  void theApiServerRejectsAPrefixBrReadsDifferentlyFromTheCleaner() {
    for (String bad : java.util.List.of("team/backup-1%2Fweekly", "a/../b", "a?x", "a//b")) {
      assertRejected(
          backup(
              "bad-prefix-" + Math.abs(bad.hashCode()),
              "br: {cluster: basic}\ns3: {provider: aws, bucket: b, prefix: \"" + bad + "\"}\n"),
          "spec.s3.prefix",
          "a prefix may not contain");
    }
  }

  @Test
  void theApiServerRejectsNoStorageProvider() {
    assertRejected(
        backup("no-store", "br: {cluster: basic}\n"),
        "spec: set exactly one storage provider of s3, gcs, azblob and local");
  }

  @Test
  void theApiServerRejectsLogStopWithLogSubcommand() {
    assertRejected(
        backup(
            "log-both",
            """
        backupMode: log
        logStop: true
        logSubcommand: log-stop
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: p}
        """),
        "logStop and logSubcommand are mutually exclusive");
  }

  @Test
  void theApiServerRejectsADumplingBackupWithoutFrom() {
    assertRejected(
        backup("dumpling", "s3: {provider: aws, bucket: b, prefix: p}\n"),
        "a Dumpling backup (no br) needs from");
  }

  @Test
  void theApiServerRejectsAnUnknownEnumValueNamingTheField() {
    assertRejected(
        backup(
            "bad-enum",
            """
        backupType: everything
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: p}
        """),
        "spec.backupType",
        "Unsupported value: \"everything\"");
    assertRejected(
        backup(
            "bad-policy",
            """
        cleanPolicy: Sometimes
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: p}
        """),
        "spec.cleanPolicy");
  }

  @Test
  void theApiServerRejectsAPitrRestoreWithoutItsFullBackupOrStartTs() {
    GenericKubernetesResource r =
        resource(
            "Restore",
            "pitr",
            """
        restoreMode: pitr
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: log}
        """);
    assertThatThrownBy(() -> admin.resource(r).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining("pitrFullBackupStorageProvider");
  }

  /**
   * {@code spec.backupSource} (v1 here; br.pingcap.com's CRDs are V2ApiIT's): admitted without a
   * storage provider, refused with one, refused naming both a schedule and a cluster; a schedule's
   * window and backup-now answer are kept by the status subresource (not pruned).
   */
  @Test
  void aRestoreNamingItsBackupsIsAdmittedWithoutStorageAndTheWindowIsKeptInStatus() {
    for (String group : List.of("pingcap.com")) {
      String name = group.startsWith("br") ? "by-schedule-v2" : "by-schedule";
      io.tidbbackup.api.Restore ok =
          Serialization.unmarshal(
              """
              apiVersion: %s/v1alpha1
              kind: Restore
              metadata: {name: %s, namespace: %s}
              spec:
                br: {cluster: basic}
                restoreMode: pitr
                pitrRestoredTs: "2024-05-01 12:00:00"
                backupSource: {backupSchedule: nightly}
              """
                  .formatted(group, name, ns),
              (Class<? extends io.tidbbackup.api.Restore>)
                  (group.startsWith("br")
                      ? io.tidbbackup.api.v2.BrRestore.class
                      : io.tidbbackup.api.Restore.class));
      assertThat(admin.resource(ok).create().getMetadata().getUid()).isNotNull();
    }
    assertRejected(
        resource(
            "Restore",
            "both",
            """
            br: {cluster: basic}
            restoreMode: pitr
            backupSource: {backupSchedule: nightly, cluster: basic}
            """),
        "set exactly one of backupSchedule and cluster");
    assertRejected(
        resource(
            "Restore",
            "with-storage",
            """
            br: {cluster: basic}
            restoreMode: pitr
            backupSource: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: log}
            """),
        "none with backupSource");

    GenericKubernetesResource bs =
        admin
            .resource(
                resource(
                    "BackupSchedule",
                    "windowed",
                    """
                    schedule: "0 0 * * *"
                    backupTemplate:
                      br: {cluster: basic}
                      s3: {provider: aws, bucket: b, prefix: p}
                    """))
            .create();
    bs.setAdditionalProperty(
        "status",
        Map.of(
            "recoveryWindow",
            Map.of(
                "earliestTs", "449873470381293569",
                "ranges", List.of(Map.of("snapshot", "a", "fromTs", "449873470381293569")),
                "gaps", List.of(Map.of("reason", "NoLogBackup", "message", "no log backup"))),
            "backupNow",
            Map.of("request", "r1", "outcome", "Created", "backup", "windowed-x")));
    admin.resource(bs).updateStatus();
    Map<?, ?> status =
        (Map<?, ?>)
            admin
                .genericKubernetesResources("pingcap.com/v1alpha1", "BackupSchedule")
                .inNamespace(ns)
                .withName("windowed")
                .get()
                .getAdditionalProperties()
                .get("status");
    assertThat(status.toString())
        .contains("earliestTs=449873470381293569", "NoLogBackup", "request=r1", "outcome=Created");
  }

  @Test
  void kubectlExplainDescribesOurFields() throws Exception {
    var r =
        cluster.controlPlane.kubectl(cluster.kubeconfig(ns), "explain", "backup.spec.cleanPolicy");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("cleanPolicy", "Retain", "Delete", "OnFailure");
  }

  private void assertRejected(GenericKubernetesResource r, String... messages) {
    assertThatThrownBy(() -> admin.resource(r).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .satisfies(e -> assertThat(e.getMessage()).contains(messages));
  }

  static GenericKubernetesResource backup(String name, String spec) {
    return resource("Backup", name, spec);
  }

  static GenericKubernetesResource resource(String kind, String name, String spec) {
    String yaml =
        "apiVersion: pingcap.com/v1alpha1\nkind: "
            + kind
            + "\nmetadata:\n  name: "
            + name
            + "\n  namespace: "
            + ns
            + "\nspec:\n"
            + spec.indent(2);
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }
}
