package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.TestingStatusWriter;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.KubeToolJobs;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A log backup's reconcile called directly with a fixed clock: its first reconcile makes the {@code
 * br log start} Job (one status write), and a reconcile that sees that Job makes no second one.
 */
@EnableKubernetesMockClient(crud = true)
class LogBackupFlowSyncTest {
  static final String NS = "tidb";
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  KubernetesClient client;
  TestingStatusWriter writer;
  BackupReconciler<Backup> reconciler;

  @BeforeEach
  void setUp() {
    writer = new TestingStatusWriter();
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    reconciler =
        new BackupReconciler<>(
            Backup.class,
            client,
            clock,
            writer,
            new EventRecorder(client, clock),
            new KubeToolJobs(client),
            JobSettings.defaults(),
            CleanJobPolicy.defaults(),
            new ClusterFactsResolver(client, "v8.5.5"),
            new InProcessCleaner(),
            new CleanMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
            ReconcileIntervals.defaults(),
            (pd, task) -> {
              throw new java.io.IOException("no PD in this test");
            },
            SecretHoldsSyncTest.off());
  }

  static Backup logBackup(String name) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: %s, namespace: tidb, uid: uid-%s, creationTimestamp: '2024-05-01T09:59:00Z'}
        spec:
          backupMode: log
          br: {cluster: basic}
          s3: {provider: aws, bucket: bkt, prefix: log/%s, secretName: s3}
        """
            .formatted(name, name, name),
        Backup.class);
  }

  Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  @Test
  void theFirstReconcileStartsTheLogTaskOnceAndOnlyOnce() throws Exception {
    // a log backup is held by our finalizer (its task must be stopped): the object is on the server
    Backup b = client.resource(logBackup("lg")).create();
    UpdateControl<Backup> first = reconciler.reconcile(b, new TestingContext<>(b, client));
    Job start = job("backup-lg-log-start");
    assertThat(start).isNotNull();
    assertThat(start.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--subcommand=log-start");
    assertThat(writer.written).hasSize(1);
    assertThat(first.getScheduleDelay()).isPresent();

    b.setStatus((BackupStatus) writer.written.get(0));
    reconciler.reconcile(b, new TestingContext<>(b, client).with(start));
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems())
        .as("one Job: the start seen is not made again")
        .hasSize(1);
  }
}
