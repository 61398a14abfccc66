package io.tidbbackup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.v2.BrBackup;
import io.tidbbackup.api.v2.BrRestore;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * TiDB Operator v2's API ({@code br.pingcap.com}) on the real API server, beside v1's: v2 manifests
 * (the shape of TiDB Operator v2's own docs, pointed at the test S3) run against a v2 {@code
 * Cluster} whose PDGroup and TiKVGroup give the PD address and the BR version; the status is v2's
 * (metav1.Condition, accepted by the API server's validation of the v2 CRD); v2's finalizer holds a
 * Backup for its clean and a Restore while it runs; a missing or paused Cluster is a condition that
 * is retried, never a stuck deletion; same-named Backups of the two groups never share a Job.
 */
class V2ApiIT {
  static final String BUCKET = "v2api";
  static final ResourceDefinitionContext CLUSTER = core("Cluster", "clusters");
  static final ResourceDefinitionContext PD_GROUP = core("PDGroup", "pdgroups");
  static final ResourceDefinitionContext TIKV_GROUP = core("TiKVGroup", "tikvgroups");

  static LocalCluster cluster;
  static KubernetesClient k;
  static String ns;
  static LocalCluster.RunningOperator operator;
  static Path kubeconfig;
  static S3Client s3;

  static ResourceDefinitionContext core(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("core.pingcap.com")
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    ns = cluster.namespace("v2api");
    kubeconfig = cluster.kubeconfig(ns);
    s3 = cluster.s3();
    E2E.bucket(s3, BUCKET);
    LocalCluster.installCrds(k, Path.of("src/test/resources/v2-core-crds"));
    // br.pingcap.com's CRDs for this class only: the other classes' kubectl says bk for v1's
    LocalCluster.installCrds(k, Path.of("crds"), f -> f.endsWith(".br.pingcap.com.yaml"));
    cluster.controlPlane.forgetDiscovery();
    v2Cluster("demo1", Map.of());
    ReconcileIntervals d = E2E.fastPolls();
    ReconcileIntervals fast =
        new ReconcileIntervals(
            d.oldJob(),
            Duration.ofSeconds(1), // a missing or paused Cluster is looked at again every second
            d.logPoll(),
            d.cleanPoll(),
            d.inProcessPoll(),
            d.startPoll(),
            d.errorRetryStart(),
            d.errorRetryCap(),
            d.checkpointPoll(),
            d.progressPoll(),
            d.secretHoldRecheck());
    var settings = E2E.settings(ns, null, null);
    settings =
        new io.tidbbackup.operator.settings.OperatorSettings(
            settings.watchNamespaces(),
            settings.jobs(),
            settings.defaultTikvVersion(),
            settings.serverSideApply(),
            settings.clean(),
            settings.leaseNamespace(),
            fast,
            settings.pdEndpointOverride(),
            settings.selector(),
            io.tidbbackup.operator.settings.OperatorSettings.BOTH_GROUPS,
            settings.holdSecrets());
    operator =
        cluster.startOperator(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    for (String plural : List.of("backups", "restores", "backupschedules", "compactbackups")) {
      // the group goes, and its objects with it: the finalizers an object still holds (its
      // operator stopped) are dropped first, or the CRD's deletion would wait for them
      k.genericKubernetesResources("br.pingcap.com/v1alpha1", kindOf(plural))
          .inNamespace(ns)
          .list()
          .getItems()
          .forEach(
              o ->
                  k.genericKubernetesResources("br.pingcap.com/v1alpha1", kindOf(plural))
                      .inNamespace(ns)
                      .withName(o.getMetadata().getName())
                      .edit(
                          x -> {
                            x.getMetadata().setFinalizers(List.of());
                            return x;
                          }));
      k.apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(plural + ".br.pingcap.com")
          .delete();
    }
    for (String plural : List.of("backups", "restores", "backupschedules", "compactbackups")) {
      k.apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(plural + ".br.pingcap.com")
          .waitUntilCondition(java.util.Objects::isNull, 60, java.util.concurrent.TimeUnit.SECONDS);
    }
    // the next class's kubectl resolves bk against pingcap.com alone again
    cluster.controlPlane.forgetDiscovery();
  }

  static String kindOf(String plural) {
    return switch (plural) {
      case "backups" -> "Backup";
      case "restores" -> "Restore";
      case "backupschedules" -> "BackupSchedule";
      default -> "CompactBackup";
    };
  }

  /** A v2 Cluster with a PDGroup (client port 2382) and a TiKVGroup at v8.1.2. */
  static void v2Cluster(String name, Map<String, Object> clusterSpec) {
    put(CLUSTER, name, clusterSpec);
    put(
        PD_GROUP,
        name + "-pd",
        Map.of(
            "cluster",
            Map.of("name", name),
            "template",
            Map.of(
                "spec",
                Map.of("server", Map.of("ports", Map.of("client", Map.of("port", 2382)))))));
    put(
        TIKV_GROUP,
        name + "-tikv",
        Map.of(
            "cluster",
            Map.of("name", name),
            "template",
            Map.of("spec", Map.of("version", "v8.1.2"))));
  }

  static void put(ResourceDefinitionContext kind, String name, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion("core.pingcap.com/v1alpha1");
    r.setKind(kind.getKind());
    r.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(name)
            .withNamespace(ns)
            .build());
    r.setAdditionalProperty("spec", spec);
    k.genericKubernetesResources(kind)
        .inNamespace(ns)
        .resource(r)
        .forceConflicts()
        .serverSideApply();
  }

  /** A v2 docs manifest (backup-to-aws-s3-using-br.md, Method 1), on the test S3. */
  static String v2Backup(String name, String clusterName, String prefix, String extra) {
    return """
        apiVersion: br.pingcap.com/v1alpha1
        kind: Backup
        metadata:
          name: %s
          namespace: %s
        spec:
          backupType: full
          br:
            cluster: %s
          s3:
            provider: aws
            secretName: s3-secret
            region: us-west-1
            endpoint: %s
            bucket: %s
            prefix: %s
        """
            .formatted(name, ns, clusterName, cluster.s3Endpoint(), BUCKET, prefix)
        + (extra == null ? "" : extra.indent(2));
  }

  /** A v2 docs Restore (restore-from-aws-s3-using-br.md), of {@code prefix} on the test S3. */
  static BrRestore v2Restore(String name, String prefix) {
    return Serialization.unmarshal(
        """
        apiVersion: br.pingcap.com/v1alpha1
        kind: Restore
        metadata:
          name: %s
          namespace: %s
        spec:
          br:
            cluster: demo1
          s3:
            provider: aws
            secretName: s3-secret
            endpoint: %s
            bucket: %s
            prefix: %s
        """
            .formatted(name, ns, cluster.s3Endpoint(), BUCKET, prefix),
        BrRestore.class);
  }

  /**
   * spec.encryption in br.pingcap.com as in pingcap.com: the v2 Backup's Job mounts the Secret key
   * for BR, whose backupmeta is then encrypted, and a v2 Restore naming the same key restores it.
   */
  @Test
  void aV2BackupEncryptedWithASecretKeyRestoresWithThatKey() throws Exception {
    byte[] raw = new byte[16];
    new java.security.SecureRandom().nextBytes(raw);
    k.resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("v2-keys")
                .withNamespace(ns)
                .endMetadata()
                .withStringData(Map.of("k", java.util.HexFormat.of().formatHex(raw)))
                .build())
        .create();
    String enc =
        "encryption:\n  snapshot: {method: aes128-ctr, secretKeyRef: {name: v2-keys, key: k}}";
    k.resource(Serialization.unmarshal(v2Backup("enc", "demo1", "v2/enc", enc), BrBackup.class))
        .create();
    BrBackup b = awaitV2("enc", "Complete");
    var volume =
        k
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns)
            .withName("backup-enc")
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getVolumes()
            .stream()
            .filter(v -> v.getName().equals("encryption-snapshot"))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("v2-keys");
    byte[] meta = s3.getObjectAsBytes(o -> o.bucket(BUCKET).key("v2/enc/backupmeta")).asByteArray();
    // BR's encrypted backupmeta: a 16-byte IV, then the BackupTS under AES-CTR
    assertThat(meta).hasSize(16 + b.getStatus().commitTs.length());
    assertThat(new String(meta, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(b.getStatus().commitTs);

    BrRestore r = v2Restore("enc-back", "v2/enc");
    r.getSpec().encryption = b.getSpec().encryption;
    k.resource(r).create();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              BrRestore got =
                  k.resources(BrRestore.class).inNamespace(ns).withName("enc-back").get();
              assertThat(got.getStatus()).isNotNull();
              assertThat(got.getStatus().phase).isEqualTo("Complete");
              assertThat(got.getStatus().commitTs).isEqualTo(b.getStatus().commitTs);
            });
  }

  static BrBackup v2(String name) {
    return k.resources(BrBackup.class).inNamespace(ns).withName(name).get();
  }

  static BrBackup awaitV2(String name, String phase) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              BrBackup b = v2(name);
              return b != null && b.getStatus() != null && phase.equals(b.getStatus().phase);
            });
    return v2(name);
  }

  @Test
  void aV2BackupAndRestoreRunAgainstTheV2ClusterAndTheBackupIsCleanedOnDelete() throws Exception {
    List<String> sentinels = List.of("v2/full-old/backupmeta", "v2/full.tmp");
    sentinels.forEach(key -> E2E.put(s3, BUCKET, key));
    k.resource(
            Serialization.unmarshal(
                v2Backup("full", "demo1", "v2/full", "cleanPolicy: Delete"), BrBackup.class))
        .create();
    var wait =
        cluster.controlPlane.kubectl(
            kubeconfig,
            "wait",
            "--for=condition=Complete",
            "backups.br.pingcap.com/full",
            "--timeout=90s");
    assertThat(wait.exitCode()).as(wait.output()).isZero();
    BrBackup b = v2("full");
    assertThat(b.getMetadata().getFinalizers()).containsExactly("pingcap.com/finalizer");
    assertThat(b.getStatus().commitTs).isNotEmpty();
    // v2's status: every condition a metav1.Condition, with the generation it was set for
    assertThat(b.getStatus().conditions)
        .isNotEmpty()
        .allSatisfy(
            c -> {
              assertThat(c.reason).matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
              assertThat(c.message).isNotNull();
              assertThat(c.lastTransitionTime).isNotNull();
              assertThat(c.observedGeneration).isEqualTo(b.getMetadata().getGeneration());
              assertThat(c.command).isNull();
            });
    assertThat(b.getStatus().timeSynced).isNull();

    Job job = k.batch().v1().jobs().inNamespace(ns).withName("backup-full").get();
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getApiVersion()).isEqualTo("br.pingcap.com/v1alpha1");
              assertThat(o.getUid()).isEqualTo(b.getMetadata().getUid());
            });
    assertThat(job.getMetadata().getLabels())
        .containsEntry("pingcap.com/managed-by", "tidb-operator")
        .containsEntry("app.kubernetes.io/component", "backup")
        .containsEntry("tidb.pingcap.com/backup", "full");
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getArgs())
        .contains("--pd=demo1-pd-pd." + ns + ":2382", "--tikvVersion=v8.1.2");
    assertThat(pod.getInitContainers().get(0).getImage()).isEqualTo("pingcap/br:v8.1.2");

    var get = cluster.controlPlane.kubectl(kubeconfig, "get", "backups.br.pingcap.com", "full");
    assertThat(get.output()).contains("full", "Complete", "s3://" + BUCKET + "/v2/full");

    // a v2 Restore from it: held by v2's finalizer while it runs, released when it is Complete
    k.resource(v2Restore("back", "v2/full")).create();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              BrRestore r = k.resources(BrRestore.class).inNamespace(ns).withName("back").get();
              assertThat(r.getStatus()).isNotNull();
              assertThat(r.getStatus().phase).isEqualTo("Complete");
              assertThat(r.getMetadata().getFinalizers()).isNullOrEmpty();
              assertThat(r.getStatus().commitTs).isEqualTo(b.getStatus().commitTs);
            });

    var delete =
        cluster.controlPlane.kubectl(
            kubeconfig, "delete", "backups.br.pingcap.com", "full", "--timeout=90s");
    assertThat(delete.exitCode()).as(delete.output()).isZero();
    assertThat(v2("full")).isNull();
    assertThat(E2E.keys(s3, BUCKET, "v2/full/")).as("the backup's prefix is empty").isEmpty();
    for (String key : sentinels) {
      assertThat(E2E.keys(s3, BUCKET, key)).as("sentinel %s", key).containsExactly(key);
    }
  }

  @Test
  void sameNamedBackupsOfTheTwoGroupsNeverShareAJob() throws Exception {
    E2E.createBackup(k, E2E.backupYaml(cluster, ns, "twin", BUCKET, "v1/twin", null));
    Backup v1 = E2E.awaitBackup(k, ns, "twin", E2E.phase("Complete"));
    k.resource(Serialization.unmarshal(v2Backup("twin", "demo1", "v2/twin", null), BrBackup.class))
        .create();
    BrBackup v2 = awaitV2("twin", "Invalid");
    BackupCondition taken =
        v2.getStatus().conditions.stream()
            .filter(c -> "Invalid".equals(c.type))
            .findFirst()
            .orElseThrow();
    assertThat(taken.reason).isEqualTo("JobNameTaken");
    assertThat(taken.message).contains("backup-twin");
    Job job = k.batch().v1().jobs().inNamespace(ns).withName("backup-twin").get();
    assertThat(job.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(v1.getMetadata().getUid()));
    assertThat(E2E.keys(s3, BUCKET, "v2/twin/")).as("nothing ran for the v2 twin").isEmpty();
    // kubectl tells the two apart by their full names
    var v1get = cluster.controlPlane.kubectl(kubeconfig, "get", "backups.pingcap.com", "twin");
    assertThat(v1get.output()).contains("Complete");
    var v2get = cluster.controlPlane.kubectl(kubeconfig, "get", "backups.br.pingcap.com", "twin");
    assertThat(v2get.output()).contains("Invalid");
  }

  @Test
  void aMissingOrPausedClusterIsARetriedConditionAndNeverHoldsADeletion() throws Exception {
    k.resource(
            Serialization.unmarshal(
                v2Backup("ghost", "nowhere", "v2/ghost", "cleanPolicy: Delete"), BrBackup.class))
        .create();
    BrBackup ghost = awaitV2("ghost", "RetryFailed");
    assertThat(ghost.getStatus().conditions)
        .anySatisfy(
            c -> {
              assertThat(c.reason).isEqualTo("ClusterNotFound");
              assertThat(c.message).contains(ns + "/nowhere");
            });
    var delete =
        cluster.controlPlane.kubectl(
            kubeconfig, "delete", "backups.br.pingcap.com", "ghost", "--timeout=60s");
    assertThat(delete.exitCode()).as(delete.output()).isZero();
    assertThat(v2("ghost")).isNull();

    // a paused Cluster: the backup waits, and runs once the Cluster is resumed
    v2Cluster("paused", Map.of("paused", true));
    k.resource(
            Serialization.unmarshal(v2Backup("later", "paused", "v2/later", null), BrBackup.class))
        .create();
    BrBackup later = awaitV2("later", "RetryFailed");
    assertThat(later.getStatus().conditions)
        .anySatisfy(c -> assertThat(c.reason).isEqualTo("ClusterPaused"));
    assertThat(k.batch().v1().jobs().inNamespace(ns).withName("backup-later").get()).isNull();
    put(CLUSTER, "paused", Map.of("paused", false));
    awaitV2("later", "Complete");
  }

  @Test
  void theV2CrdRefusesWhatV2DoesNotHave() {
    // v2 backs up with BR only: a Dumpling-style Backup (no spec.br) is refused at admission
    String noBr =
        v2Backup("dump", "demo1", "v2/dump", null).replace("  br:\n    cluster: demo1\n", "");
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.fabric8.kubernetes.client.KubernetesClientException.class,
            () -> k.resource(Serialization.unmarshal(noBr, BrBackup.class)).create());
    assertThat(e.getMessage()).contains("spec.br.cluster");
    // v1-only fields are not in v2's schema: pruned, never acted on
    BrBackup pruned =
        k.resource(
                Serialization.unmarshal(
                    v2Backup("pruned", "demo1", "v2/pruned", "tikvGCLifeTime: 72h"),
                    BrBackup.class))
            .create();
    assertThat(pruned.getSpec().tikvGCLifeTime).isNull();
    k.resource(pruned).delete();
  }

  /**
   * v2's hold on a running Restore: its finalizer is on while it runs; deleted meanwhile, its Job
   * is stopped (a Warning says so) and the Restore goes, never left running unwatched nor stuck.
   */
  @Test
  void aV2RestoreDeletedWhileItRunsHasItsJobStoppedAndGoes() throws Exception {
    // "slow": the stand-in br runs for two minutes, until its pod is stopped
    k.resource(v2Restore("midway", "v2/slow/midway")).create();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              BrRestore r = k.resources(BrRestore.class).inNamespace(ns).withName("midway").get();
              assertThat(r.getStatus()).isNotNull();
              assertThat(r.getStatus().phase).isEqualTo("Running");
              assertThat(r.getMetadata().getFinalizers()).containsExactly("pingcap.com/finalizer");
            });
    assertThat(k.pods().inNamespace(ns).withLabel("job-name", "restore-midway").list().getItems())
        .as("the restore's pod runs")
        .isNotEmpty();
    var delete =
        cluster.controlPlane.kubectl(
            kubeconfig, "delete", "restores.br.pingcap.com", "midway", "--timeout=60s");
    assertThat(delete.exitCode()).as(delete.output()).isZero();
    assertThat(k.resources(BrRestore.class).inNamespace(ns).withName("midway").get()).isNull();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(k.batch().v1().jobs().inNamespace(ns).withName("restore-midway").get())
                  .isNull();
              assertThat(
                      k.pods()
                          .inNamespace(ns)
                          .withLabel("job-name", "restore-midway")
                          .list()
                          .getItems())
                  .as("the restore's pod was stopped")
                  .isEmpty();
            });
    assertThat(
            k.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "midway".equals(e.getInvolvedObject().getName()))
                .map(io.fabric8.kubernetes.api.model.Event::getReason))
        .contains("RestoreStopped");
  }

  /**
   * A v2 BackupSchedule (which v2 itself does not run) runs here: its log backup is a
   * br.pingcap.com Backup it owns, and its status is written in v2's names.
   */
  @Test
  void aV2ScheduleRunsAndItsChildrenAreV2Objects() throws Exception {
    String s3 =
        """
            s3:
              provider: aws
              secretName: s3-secret
              endpoint: %s
              bucket: %s
              prefix: %s
        """;
    k.resource(
            Serialization.unmarshal(
                """
                apiVersion: br.pingcap.com/v1alpha1
                kind: BackupSchedule
                metadata:
                  name: nightly
                  namespace: %s
                spec:
                  schedule: "0 2 * * *"
                  maxReservedTime: 72h
                  compactSpan: 6h
                  backupTemplate:
                    br:
                      cluster: demo1
                %s
                  logBackupTemplate:
                    backupMode: log
                    br:
                      cluster: demo1
                %s
                  compactBackupTemplate:
                    br:
                      cluster: demo1
                %s
                """
                    .formatted(
                        ns,
                        s3.formatted(cluster.s3Endpoint(), BUCKET, "v2/nightly/snap")
                            .stripTrailing(),
                        s3.formatted(cluster.s3Endpoint(), BUCKET, "v2/nightly/log")
                            .stripTrailing(),
                        s3.formatted(cluster.s3Endpoint(), BUCKET, "v2/nightly/log")
                            .stripTrailing()),
                io.tidbbackup.api.v2.BrBackupSchedule.class))
        .create();
    BrBackup log = awaitV2("log-nightly", "Running");
    assertThat(log.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getApiVersion()).isEqualTo("br.pingcap.com/v1alpha1");
              assertThat(o.getKind()).isEqualTo("BackupSchedule");
              assertThat(o.getName()).isEqualTo("nightly");
            });
    assertThat(E2E.backup(k, ns, "log-nightly")).as("no pingcap.com twin").isNull();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var bs =
                  k.resources(io.tidbbackup.api.v2.BrBackupSchedule.class)
                      .inNamespace(ns)
                      .withName("nightly")
                      .get();
              assertThat(bs.getStatus()).isNotNull();
              assertThat(bs.getStatus().logBackup).isEqualTo("log-nightly");
              assertThat(bs.getStatus().lastCompactProgress).isNull();
              assertThat(bs.getStatus().conditions).isNull();
            });
  }

  /**
   * A br.pingcap.com Restore that names its backups is admitted without storage, and one naming a
   * schedule that is not there is Invalid before any Job.
   */
  @Test
  void aV2RestoreNamingAMissingScheduleIsInvalidBeforeAnyJob() {
    k.resource(
            io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                """
                apiVersion: br.pingcap.com/v1alpha1
                kind: Restore
                metadata: {name: by-name, namespace: %s}
                spec:
                  br: {cluster: demo1}
                  restoreMode: pitr
                  backupSource: {backupSchedule: not-there}
                """
                    .formatted(ns),
                io.tidbbackup.api.v2.BrRestore.class))
        .create();
    org.awaitility.Awaitility.await()
        .atMost(E2E.WAIT)
        .until(
            () -> {
              var r =
                  k.resources(io.tidbbackup.api.v2.BrRestore.class)
                      .inNamespace(ns)
                      .withName("by-name")
                      .get();
              return r.getStatus() != null && "Invalid".equals(r.getStatus().phase);
            });
    var r =
        k.resources(io.tidbbackup.api.v2.BrRestore.class).inNamespace(ns).withName("by-name").get();
    assertThat(r.getStatus().conditions)
        .anyMatch(
            c ->
                "BackupSourceNotFound".equals(c.reason)
                    && c.message.contains("no BackupSchedule not-there"));
    assertThat(E2E.jobs(k, ns)).noneMatch(j -> j.getMetadata().getName().equals("restore-by-name"));
  }
}
