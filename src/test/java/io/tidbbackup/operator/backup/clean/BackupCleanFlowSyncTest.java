package io.tidbbackup.operator.backup.clean;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.backup.BackupStatuses;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.JobObservation;
import io.tidbbackup.operator.run.KubeToolJobs;
import io.tidbbackup.operator.run.ToolJobs;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The clean flow run directly on an in-memory port ({@link CleanContext}) with a fixed clock: what
 * it writes, says and releases is read from the port, the Jobs it makes from the API server. One
 * reconcile each; nothing waits.
 */
@EnableKubernetesMockClient(crud = true)
class BackupCleanFlowSyncTest {
  static final String NS = "tidb";
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  KubernetesClient client;
  Port port;

  /** The port, in memory: the status it is given, the events and the release it is asked for. */
  final class Port implements CleanContext {
    final Backup backup;
    final Context<Backup> ctx;
    BackupStatus status;
    final List<String> events = new ArrayList<>();
    final ToolJobs jobs = new KubeToolJobs(client);
    final InProcessCleaner inProcess = new InProcessCleaner();
    boolean released;
    int logStopsStarted;

    Port(Backup backup, Object... jobs) {
      this.backup = backup;
      this.status = backup.getStatus();
      this.ctx = new TestingContext<>(backup, client).with(jobs);
    }

    @Override
    public Backup backup() {
      return backup;
    }

    @Override
    public Context<Backup> josdk() {
      return ctx;
    }

    @Override
    public Instant now() {
      return T0;
    }

    @Override
    public String key() {
      return NS + "/" + backup.getMetadata().getName();
    }

    @Override
    public BackupStatus status() {
      return status;
    }

    @Override
    public void update(BackupStatus next) {
      status = next;
    }

    @Override
    public void event(EventType type, Reason reason, String message) {
      events.add(type.wire() + " " + reason + ": " + message);
    }

    @Override
    public ToolJobs jobs() {
      return jobs;
    }

    @Override
    public KubernetesClient client() {
      return client;
    }

    @Override
    public InProcessCleaner inProcess() {
      return inProcess;
    }

    @Override
    public JobSettings jobSettings() {
      return JobSettings.defaults();
    }

    @Override
    public CleanJobPolicy cleanPolicy() {
      return CleanJobPolicy.defaults();
    }

    @Override
    public CleanMetrics metrics() {
      return new CleanMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    @Override
    public ReconcileIntervals intervals() {
      return ReconcileIntervals.defaults();
    }

    @Override
    public BackupStatus withCondition(BackupStatus s, BackupCondition condition) {
      return BackupStatuses.withCondition(s, condition, T0);
    }

    @Override
    public boolean logTaskRuns() {
      return false;
    }

    @Override
    public boolean recordLogStop(JobObservation stop) {
      return false;
    }

    @Override
    public void startLogStop() {
      logStopsStarted++;
    }

    @Override
    public void releaseFinalizer() {
      released = true;
    }
  }

  @BeforeEach
  void clean() {
    client.batch().v1().jobs().inNamespace(NS).delete();
  }

  /** A Backup being deleted, as the API server holds it (with our finalizer). */
  Backup deleted(String name, String policy, String prefix) throws Exception {
    Backup b =
        Serde.YAML.readValue(
            """
            apiVersion: pingcap.com/v1alpha1
            kind: Backup
            metadata:
              name: %s
              namespace: tidb
              finalizers: [tidb.pingcap.com/backup-protection]
            spec:
              cleanPolicy: %s
              br: {cluster: basic}
              s3: {provider: aws, bucket: bkt, prefix: '%s', secretName: s3}
            """
                .formatted(name, policy, prefix),
            Backup.class);
    Backup stored = client.resource(b).create();
    stored.getMetadata().setDeletionTimestamp("2024-05-01T09:59:59Z");
    BackupStatus st = new BackupStatus();
    st.phase = ConditionTypes.COMPLETE;
    st.backupPath = "s3://bkt/" + prefix;
    stored.setStatus(st);
    return stored;
  }

  UpdateControl<Backup> run(Backup b, Object... jobs) {
    port = new Port(b, jobs);
    return new BackupCleanFlow(port).run();
  }

  BackupCondition condition(String type) {
    return port.status.conditions.stream()
        .filter(c -> type.equals(c.type))
        .findFirst()
        .orElse(null);
  }

  @Test
  void retainKeepsTheDataAndReleasesWithoutAJob() throws Exception {
    UpdateControl<Backup> control = run(deleted("kept", "Retain", "team/kept"));
    assertThat(port.released).isTrue();
    assertThat(control.getScheduleDelay()).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void deleteStartsOneCleanJobAndSaysCleaning() throws Exception {
    UpdateControl<Backup> control = run(deleted("gone", "Delete", "team/gone"));
    Job job = client.batch().v1().jobs().inNamespace(NS).withName("clean-gone").get();
    assertThat(job).isNotNull();
    assertThat(port.released).isFalse();
    assertThat(condition(ConditionTypes.CLEAN).message).isEqualTo("cleaning s3://bkt/team/gone");
    assertThat(port.status.cleanAttempts).isEqualTo(1);
    assertThat(control.getScheduleDelay())
        .contains(ReconcileIntervals.defaults().cleanPoll().toMillis());
  }

  @Test
  void aPrefixThatIsTheBucketRootIsRefusedTheDataKept() throws Exception {
    run(deleted("root", "Delete", ""));
    assertThat(port.released).isTrue();
    assertThat(condition(ConditionTypes.CLEAN_FAILED).reason).isEqualTo("EmptyPrefix");
    assertThat(condition(ConditionTypes.CLEAN_FAILED).message).endsWith("; the data is kept");
    // a new phase: the status writer announces it (the flow's own Warning is for a phase that
    // stays)
    assertThat(port.status.phase).isNotEqualTo(ConditionTypes.COMPLETE);
    assertThat(port.events).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aBackupTheApiServerNoLongerHoldsIsLeftAlone() throws Exception {
    Backup b = deleted("released", "Delete", "team/released");
    // our finalizer already released (by an earlier reconcile the informer has not delivered yet)
    client
        .resources(Backup.class)
        .inNamespace(NS)
        .withName("released")
        .edit(
            x -> {
              x.getMetadata().setFinalizers(List.of());
              return x;
            });
    client.resources(Backup.class).inNamespace(NS).withName("released").delete();
    UpdateControl<Backup> control = run(b);
    assertThat(port.released).isFalse();
    assertThat(port.status).isSameAs(b.getStatus());
    assertThat(control.getScheduleDelay()).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }
}
