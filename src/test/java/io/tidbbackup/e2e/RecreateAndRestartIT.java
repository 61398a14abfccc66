package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static io.tidbbackup.e2e.E2E.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.controlplane.LocalKubelet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Timing that only a real control plane has: a Backup re-created under the same name while the
 * garbage collector has not yet removed the old Backup's Job, and an operator restarted while a
 * clean Job runs.
 */
class RecreateAndRestartIT {
  static final String BUCKET = "recreate";
  static final String HOLD = "e2e.tidbbackup.io/hold";
  static LocalCluster cluster;
  static KubernetesClient k;
  static S3Client s3;
  static final OperatorLog logs = new OperatorLog();

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    s3 = cluster.s3();
    E2E.bucket(s3, BUCKET);
    logs.attach();
  }

  @org.junit.jupiter.api.AfterAll
  static void detach() {
    logs.detach();
  }

  @AfterEach
  void clear() {
    cluster.kubelet.clearInjections();
  }

  /**
   * The old Job is held by a finalizer after the garbage collector deleted it (as any Job whose
   * pods are slow to go would linger): the new Backup must not take the old Job's result as its
   * own, and runs its own Job once the old one is gone.
   */
  @Test
  void aBackupRecreatedUnderTheSameNameRunsItsOwnJob() {
    String ns = cluster.namespace("recreate");
    try (var operator = cluster.startOperator(Set.of(ns))) {
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "rc", BUCKET, "one/rc", null));
      Backup first = awaitBackup(k, ns, "rc", phase("Complete"));
      k.batch()
          .v1()
          .jobs()
          .inNamespace(ns)
          .withName("backup-rc")
          .edit(
              j -> {
                j.getMetadata().getFinalizers().add(HOLD);
                return j;
              });
      k.resource(first).delete();
      E2E.awaitGone(k, Backup.class, ns, "rc", Duration.ofSeconds(30));
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                Job old = k.batch().v1().jobs().inNamespace(ns).withName("backup-rc").get();
                return old != null && old.getMetadata().getDeletionTimestamp() != null;
              });

      Backup second =
          E2E.createBackup(k, E2E.backupYaml(cluster, ns, "rc", BUCKET, "two/rc", null));
      // the reconciles that saw the old Job have run: the operator logs each decision naming the
      // object
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  logs.lines()
                      .anyMatch(
                          l ->
                              l.contains(ns + "/rc")
                                  && l.contains("waiting for Job backup-rc of an earlier object")));
      Backup waiting = E2E.backup(k, ns, "rc");
      assertThat(waiting.getStatus() == null ? null : waiting.getStatus().phase)
          .as("the old Job's success is not the new Backup's")
          .isNotEqualTo("Complete");
      assertThat(waiting.getStatus() == null ? null : waiting.getStatus().commitTs).isNull();

      k.batch()
          .v1()
          .jobs()
          .inNamespace(ns)
          .withName("backup-rc")
          .edit(
              j -> {
                j.getMetadata().getFinalizers().remove(HOLD);
                return j;
              });
      Backup done = awaitBackup(k, ns, "rc", phase("Complete"));
      assertThat(done.getMetadata().getUid()).isEqualTo(second.getMetadata().getUid());
      assertThat(done.getStatus().backupPath).isEqualTo("s3://" + BUCKET + "/two/rc");
      assertThat(E2E.keys(s3, BUCKET, "two/rc/")).isNotEmpty();
      Job job = k.batch().v1().jobs().inNamespace(ns).withName("backup-rc").get();
      assertThat(job.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(second.getMetadata().getUid()));
    }
  }

  /**
   * kubectl delete job on a running backup cancels it: Failed (JobDeleted), and no second BR beside
   * the first.
   */
  @Test
  void deletingARunningBackupsJobCancelsIt() throws Exception {
    String ns = cluster.namespace("cancel");
    try (var operator = cluster.startOperator(Set.of(ns))) {
      // "slow": the stand-in br runs for two minutes, until its pod is stopped
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "k1", BUCKET, "cancel/slow/k1", null));
      awaitBackup(k, ns, "k1", phase("Running"));
      var delete =
          cluster.controlPlane.kubectl(cluster.kubeconfig(ns), "delete", "job", "backup-k1");
      assertThat(delete.exitCode()).as(delete.output()).isZero();
      Backup b = awaitBackup(k, ns, "k1", phase("Failed"));
      assertThat(b.getStatus().conditions)
          .anyMatch(c -> "Failed".equals(c.type) && "JobDeleted".equals(c.reason));
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
      assertThat(k.batch().v1().jobs().inNamespace(ns).withName("backup-k1").get())
          .as("no second Job")
          .isNull();
      assertThat(E2E.backup(k, ns, "k1").getStatus().phase).isEqualTo("Failed");
    }
  }

  /**
   * A Job of the name made by hand (not in the operator's informer: none of its labels): the create
   * gets a 409, the operator looks the holder up with the verbs the chart grants it, and the Backup
   * says who holds the name instead of taking the Job for its own.
   */
  @Test
  void aJobNameHeldByAHandMadeJobIsReportedNeverAdopted() {
    String ns = cluster.namespace("held");
    k.resource(
            new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                .withNewMetadata()
                .withName("backup-h1")
                .withNamespace(ns)
                .endMetadata()
                .withNewSpec()
                .withSuspend(true)
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("x")
                .withImage("busybox")
                .endContainer()
                .withRestartPolicy("Never")
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    try (var operator = cluster.startOperator(Set.of(ns))) {
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "h1", BUCKET, "held/h1", null));
      Backup b = awaitBackup(k, ns, "h1", phase("Invalid"));
      assertThat(b.getStatus().conditions)
          .anyMatch(
              c ->
                  "JobNameTaken".equals(c.reason)
                      && c.message.contains("backup-h1")
                      && c.message.contains("no owner"));
      assertThat(
              k.batch()
                  .v1()
                  .jobs()
                  .inNamespace(ns)
                  .withName("backup-h1")
                  .get()
                  .getMetadata()
                  .getOwnerReferences())
          .isNullOrEmpty();
    }
  }

  /** The three ways a deletion is released without a clean. */
  enum Release {
    /** the annotation tidb-backup-operator/skip-clean=true */
    SKIP,
    /** cleanPolicy changed to Retain */
    RETAIN,
    /** another live Backup now uses the prefix */
    SHARED_PREFIX
  }

  /**
   * A deletion released without a clean while the clean Job runs (skip annotation, cleanPolicy
   * changed to Retain, a prefix another Backup now shares): the clean Job is stopped and gone
   * before the finalizer is released, so nothing keeps deleting the data the release says is kept.
   * A Backup then re-created under the same name and prefix is cleaned by a clean Job of its own
   * (bound to its UID), to the last object; the sentinels beside the prefix survive all of it.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Release.class)
  void releasingWithoutACleanWhileTheCleanRunsStopsTheCleanJobFirst(Release how) throws Exception {
    String ns =
        // simulated: the clean pod is held at a point a real container cannot be stopped at
        cluster.simulatedNamespace(
            "rel-" + how.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    String prefix = "rel-" + how.ordinal() + "/s1";
    List<String> sentinels =
        List.of(
            "rel-" + how.ordinal() + "/s10/backupmeta",
            "rel-" + how.ordinal() + "/s1-old/backupmeta",
            "rel-" + how.ordinal() + "/s1.tmp");
    sentinels.forEach(key -> E2E.put(s3, BUCKET, key));
    LocalKubelet.Hold hold =
        cluster.kubelet.inject(LocalKubelet.ofJob(ns, "clean-s1"), LocalKubelet.Fault.HOLD);
    try (var operator = cluster.startOperator(Set.of(ns))) {
      E2E.createBackup(k, E2E.backupYaml(cluster, ns, "s1", BUCKET, prefix, "cleanPolicy: Delete"));
      awaitBackup(k, ns, "s1", phase("Complete"));
      List<String> data = E2E.keys(s3, BUCKET, prefix + "/");
      assertThat(data).isNotEmpty();
      k.resources(Backup.class).inNamespace(ns).withName("s1").delete();
      assertThat(hold.awaitReached(60)).as("the clean pod started").isTrue();
      switch (how) {
        case SKIP ->
            k.resources(Backup.class)
                .inNamespace(ns)
                .withName("s1")
                .edit(
                    b -> {
                      var a =
                          b.getMetadata().getAnnotations() == null
                              ? new java.util.HashMap<String, String>()
                              : new java.util.HashMap<>(b.getMetadata().getAnnotations());
                      a.put(io.tidbbackup.api.ApiConstants.SKIP_CLEAN_ANNOTATION, "true");
                      b.getMetadata().setAnnotations(a);
                      return b;
                    });
        case RETAIN ->
            k.resources(Backup.class)
                .inNamespace(ns)
                .withName("s1")
                .edit(
                    b -> {
                      b.getSpec().cleanPolicy = io.tidbbackup.api.CleanPolicy.RETAIN;
                      return b;
                    });
        case SHARED_PREFIX ->
            E2E.createBackup(
                k, E2E.backupYaml(cluster, ns, "sharer", BUCKET, prefix, "cleanPolicy: Retain"));
      }
      boolean[] jobGoneFirst = {true};
      await()
          .atMost(E2E.WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                boolean jobThere =
                    k.batch().v1().jobs().inNamespace(ns).withName("clean-s1").get() != null;
                boolean backupGone = E2E.backup(k, ns, "s1") == null;
                if (backupGone && jobThere) {
                  jobGoneFirst[0] = false;
                }
                return backupGone;
              });
      assertThat(jobGoneFirst[0])
          .as("the clean Job was gone before the Backup was released")
          .isTrue();
      assertThat(k.batch().v1().jobs().inNamespace(ns).withName("clean-s1").get()).isNull();
      assertThat(E2E.keys(s3, BUCKET, prefix + "/")).as("the data is kept").containsAll(data);
      if (how == Release.SHARED_PREFIX) {
        awaitBackup(k, ns, "sharer", phase("Complete"));
        k.resources(Backup.class)
            .inNamespace(ns)
            .withName("sharer")
            .delete(); // Retain: goes at once
        E2E.awaitGone(k, Backup.class, ns, "sharer", E2E.WAIT);
      }

      hold.release();
      cluster.kubelet.clearInjections();
      Backup again =
          E2E.createBackup(
              k, E2E.backupYaml(cluster, ns, "s1", BUCKET, prefix, "cleanPolicy: Delete"));
      awaitBackup(k, ns, "s1", phase("Complete"));
      k.resources(Backup.class).inNamespace(ns).withName("s1").delete();
      await()
          .atMost(E2E.WAIT)
          .until(
              () -> {
                Job clean = k.batch().v1().jobs().inNamespace(ns).withName("clean-s1").get();
                return clean != null || E2E.backup(k, ns, "s1") == null;
              });
      Job clean = k.batch().v1().jobs().inNamespace(ns).withName("clean-s1").get();
      if (clean != null) {
        assertThat(clean.getMetadata().getAnnotations())
            .containsEntry(
                io.tidbbackup.operator.job.Names.BACKUP_UID_ANNOTATION,
                again.getMetadata().getUid());
      }
      E2E.awaitGone(k, Backup.class, ns, "s1", E2E.WAIT);
      assertThat(E2E.keys(s3, BUCKET, prefix + "/"))
          .as("the re-created Backup's data is cleaned")
          .isEmpty();
      for (String key : sentinels) {
        assertThat(E2E.keys(s3, BUCKET, key)).as("sentinel %s", key).containsExactly(key);
      }
    } finally {
      hold.release();
    }
  }

  /**
   * The operator stops while the clean Job runs; a new operator process picks the deletion up and
   * finishes it.
   */
  @Test
  void anOperatorRestartedMidCleanFinishesTheClean() throws Exception {
    // simulated: the clean pod is held at a point a real container cannot be stopped at
    String ns = cluster.simulatedNamespace("restart");
    List<String> sentinels = List.of("mid/c1-old/backupmeta", "mid/c10/backupmeta");
    sentinels.forEach(key -> E2E.put(s3, BUCKET, key));
    LocalKubelet.Hold hold =
        cluster.kubelet.inject(LocalKubelet.ofJob(ns, "clean-c1"), LocalKubelet.Fault.HOLD);
    var first = cluster.startOperator(Set.of(ns));
    E2E.createBackup(k, E2E.backupYaml(cluster, ns, "c1", BUCKET, "mid/c1", "cleanPolicy: Delete"));
    awaitBackup(k, ns, "c1", phase("Complete"));
    assertThat(E2E.keys(s3, BUCKET, "mid/c1/")).isNotEmpty();
    k.resources(Backup.class).inNamespace(ns).withName("c1").delete();
    assertThat(hold.awaitReached(60)).as("the clean pod started").isTrue();
    first.close();

    try (var second = cluster.startOperator(Set.of(ns))) {
      hold.release();
      E2E.awaitGone(k, Backup.class, ns, "c1", Duration.ofSeconds(90));
    }
    assertThat(E2E.keys(s3, BUCKET, "mid/c1/")).isEmpty();
    for (String key : sentinels) {
      assertThat(E2E.keys(s3, BUCKET, key)).as("sentinel %s", key).containsExactly(key);
    }
  }
}
