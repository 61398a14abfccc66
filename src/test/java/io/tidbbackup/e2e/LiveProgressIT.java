package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Progress;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.controlplane.LocalKubelet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Progress while a tool runs, on the real control plane: the operator reads the running pod's log
 * through the API server ({@code pods/log}, proxied to the local kubelet) and writes it to status,
 * only when it moves: a backup's and a restore's {@code progresses}, a compaction's {@code
 * progress} (TiDB Operator's READ_META/COMPACT_WORK text) and a sharded compaction's {@code
 * completedIndexes}.
 */
class LiveProgressIT {
  static final String BUCKET = "progress";
  static LocalCluster cluster;
  static KubernetesClient k;
  static String ns;
  static LocalCluster.RunningOperator operator;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    // simulated: the tests script what the tool prints, and when
    ns = cluster.simulatedNamespace("progress");
    E2E.bucket(cluster.s3(), BUCKET);
    operator =
        cluster.startOperator(
            E2E.settings(ns, null, null), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @AfterEach
  void clear() {
    cluster.runtime.clearOverrides();
  }

  /**
   * The Job's pod prints these progress lines as the agent does, then waits for {@code release} and
   * succeeds with {@code result}.
   */
  static void holdWith(String job, CountDownLatch release, AgentResult result, String... lines) {
    cluster.runtime.override(
        run -> run.namespace().equals(ns) && job.equals(run.jobName()),
        run -> {
          for (String l : lines) {
            run.print(l);
          }
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return new LocalKubelet.Outcome(0, Serde.json(result));
        });
  }

  static AgentResult ok(String commitTs) {
    AgentResult r = new AgentResult();
    r.success = true;
    r.exitCode = 0;
    r.commitTs = commitTs;
    return r;
  }

  static Progress step(List<Progress> ps, String step) {
    return ps == null
        ? null
        : ps.stream().filter(p -> step.equals(p.step)).findFirst().orElse(null);
  }

  @Test
  void aRunningBackupShowsItsStepsAsTheToolPrintsThem() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AgentResult done = ok("452000000000000001");
    Progress full = new Progress();
    full.step = "Full Backup";
    full.progress = 100.0;
    done.progresses = List.of(full);
    holdWith(
        "backup-running",
        release,
        done,
        "Full Backup <------------------------------> 41.70%",
        new AgentProtocol.StepProgress("Full Backup", 41.7, null).line(),
        new AgentProtocol.StepProgress("Checksum", 5.0, null).line());
    E2E.createBackup(k, E2E.backupYaml(cluster, ns, "running", BUCKET, "running", null));
    try {
      Backup b =
          awaitBackup(
              k, ns, "running", x -> x.getStatus() != null && x.getStatus().progresses != null);
      assertThat(b.getStatus().phase).isEqualTo("Running");
      assertThat(step(b.getStatus().progresses, "Full Backup").progress).isEqualTo(41.7);
      assertThat(step(b.getStatus().progresses, "Checksum").progress).isEqualTo(5.0);
      String at = step(b.getStatus().progresses, "Full Backup").lastTransitionTime;
      // read again and again (every second here): nothing moved, so nothing changes
      Thread.sleep(2500);
      assertThat(
              step(E2E.backup(k, ns, "running").getStatus().progresses, "Full Backup")
                  .lastTransitionTime)
          .isEqualTo(at);
      // the same log, through the API server, as kubectl logs reads it
      String pod =
          k.pods()
              .inNamespace(ns)
              .withLabel("job-name", "backup-running")
              .list()
              .getItems()
              .get(0)
              .getMetadata()
              .getName();
      assertThat(k.pods().inNamespace(ns).withName(pod).inContainer("backup").getLog())
          .contains("Full Backup <------------------------------> 41.70%");
    } finally {
      release.countDown();
    }
    Backup complete = awaitBackup(k, ns, "running", E2E.phase("Complete"));
    assertThat(step(complete.getStatus().progresses, "Full Backup").progress).isEqualTo(100.0);
    // a step the final result does not name keeps what was read last
    assertThat(step(complete.getStatus().progresses, "Checksum").progress).isEqualTo(5.0);
  }

  @Test
  void aRunningRestoreShowsItsProgress() {
    CountDownLatch release = new CountDownLatch(1);
    holdWith(
        "restore-rs",
        release,
        ok("452000000000000002"),
        new AgentProtocol.StepProgress("Full Restore", 63.25, null).line());
    E2E.createRestore(k, E2E.restoreYaml(cluster, ns, "rs", BUCKET, "any"));
    try {
      await()
          .atMost(E2E.WAIT)
          .until(
              () -> {
                Restore r = E2E.restore(k, ns, "rs");
                Progress p =
                    r.getStatus() == null ? null : step(r.getStatus().progresses, "Full Restore");
                return p != null && p.progress == 63.25 && "Running".equals(r.getStatus().phase);
              });
    } finally {
      release.countDown();
    }
    await()
        .atMost(E2E.WAIT)
        .until(() -> "Complete".equals(E2E.restore(k, ns, "rs").getStatus().phase));
  }

  @Test
  void aCompactionShowsTikvCtlsProgressAndAShardedOneItsShards() {
    CountDownLatch release = new CountDownLatch(1);
    holdWith(
        "compact-c1",
        release,
        ok(null),
        new AgentProtocol.StepProgress("Compaction", 25.0, "[READ_META(3/10),COMPACT_WORK(1/4)]")
            .line());
    compact("c1", "");
    try {
      await()
          .atMost(E2E.WAIT)
          .until(() -> "[READ_META(3/10),COMPACT_WORK(1/4)]".equals(compactStatus("c1").progress));
    } finally {
      release.countDown();
    }
    await().atMost(E2E.WAIT).until(() -> "Complete".equals(compactStatus("c1").state));

    compact("c3", "mode: sharded\nshardCount: 3\n");
    await().atMost(E2E.WAIT).until(() -> "Complete".equals(compactStatus("c3").state));
    assertThat(compactStatus("c3").completedIndexes).isEqualTo("0-2");
  }

  static void compact(String name, String extra) {
    k.resource(
            Serialization.unmarshal(
                """
        apiVersion: pingcap.com/v1alpha1
        kind: CompactBackup
        metadata: {name: %s, namespace: %s}
        spec:
          tikvImage: pingcap/tikv:nightly
          startTs: "443123456789000000"
          endTs: "443123456789900000"
          s3: {provider: aws, bucket: %s, prefix: log, secretName: s3-secret, endpoint: %s, forcePathStyle: true}
        """
                        .formatted(name, ns, BUCKET, cluster.s3Endpoint())
                    + extra.indent(2),
                CompactBackup.class))
        .create();
  }

  static io.tidbbackup.api.CompactStatus compactStatus(String name) {
    CompactBackup c = k.resources(CompactBackup.class).inNamespace(ns).withName(name).get();
    return c == null || c.getStatus() == null
        ? new io.tidbbackup.api.CompactStatus()
        : c.getStatus();
  }
}
