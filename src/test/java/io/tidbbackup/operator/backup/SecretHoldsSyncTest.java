package io.tidbbackup.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.MutableClock;
import io.tidbbackup.operator.TestingContext;
import io.tidbbackup.operator.TestingStatusWriter;
import io.tidbbackup.operator.backup.clean.SecretNeeds;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.Names;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.SecretHolds;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The holds on the Secrets of Backups' cleans, through {@link BackupReconciler#reconcile} called
 * directly, with an in-memory port for the Secrets (their finalizers, whether they are being
 * deleted, every request) and the informer cache given by the test (the Backups it holds). What the
 * API server itself does with the patches (another finalizer kept, a Secret being deleted) is
 * proven on a real one by NamespaceDeletionIT.
 */
@EnableKubernetesMockClient(crud = true)
class SecretHoldsSyncTest {
  static final String NS = "tidb";
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  static final String FIN = Names.SECRET_HOLD_FINALIZER;
  static final Duration RECHECK = ReconcileIntervals.defaults().secretHoldRecheck();

  KubernetesClient client;
  MutableClock clock;
  Secrets secrets;
  final List<Backup> cache = new CopyOnWriteArrayList<>();
  ListAppender<ILoggingEvent> log;

  /** The Secrets, in memory, as the API server treats the two patches. */
  static final class Secrets implements SecretHolds.Port {
    final Map<String, List<String>> finalizers = new LinkedHashMap<>();
    final Set<String> deleting = new HashSet<>();
    final List<String> requests = new ArrayList<>();
    final Map<String, Integer> versions = new LinkedHashMap<>();

    void put(String name, String... others) {
      finalizers.put(name, new ArrayList<>(List.of(others)));
      versions.put(name, 1);
    }

    @Override
    public String add(String namespace, String name) {
      requests.add("add " + name);
      List<String> f = finalizers.get(name);
      if (f == null) {
        throw new KubernetesClientException("not found", 404, null);
      }
      if (!f.contains(FIN)) {
        if (deleting.contains(name)) {
          throw new KubernetesClientException("no new finalizers while deleting", 422, null);
        }
        f.add(FIN);
        versions.merge(name, 1, Integer::sum);
      }
      return String.valueOf(versions.get(name));
    }

    @Override
    public void remove(String namespace, String name) {
      requests.add("remove " + name);
      List<String> f = finalizers.get(name);
      if (f == null) {
        throw new KubernetesClientException("not found", 404, null);
      }
      if (f.remove(FIN)) {
        versions.merge(name, 1, Integer::sum);
      }
    }

    /** A user's edit: the finalizer taken off by hand. */
    void removeByHand(String name) {
      finalizers.get(name).remove(FIN);
      versions.merge(name, 1, Integer::sum);
    }
  }

  /** Holds that are off, for the tests of everything else: they never touch a Secret. */
  static SecretHolds off() {
    return new SecretHolds(
        new SecretHolds.Port() {
          @Override
          public String add(String namespace, String name) {
            throw new AssertionError("holds are off");
          }

          @Override
          public void remove(String namespace, String name) {
            throw new AssertionError("holds are off");
          }
        },
        false,
        java.time.Clock.systemUTC(),
        RECHECK);
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    secrets = new Secrets();
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger(SecretHolds.class)).addAppender(log);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(SecretHolds.class)).detachAppender(log);
  }

  SecretHolds holds(boolean on) {
    SecretHolds h = new SecretHolds(secrets, on, clock, RECHECK);
    // the informer's index, on the Backups the test put in the cache
    h.register(
        key ->
            cache.stream()
                .filter(b -> SecretNeeds.index(b, JobSettings.defaults()).contains(key))
                .map(b -> b.getMetadata().getUid())
                .toList());
    return h;
  }

  <B extends Backup> BackupReconciler<B> reconciler(Class<B> type, SecretHolds holds) {
    return new BackupReconciler<>(
        type,
        client,
        clock,
        new TestingStatusWriter(),
        new EventRecorder(client, clock),
        new io.tidbbackup.operator.run.KubeToolJobs(client),
        JobSettings.defaults(),
        CleanJobPolicy.defaults(),
        new ClusterFactsResolver(client, "v8.5.0"),
        new InProcessCleaner(),
        new CleanMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
        ReconcileIntervals.defaults(),
        (pd, task) -> {
          throw new java.io.IOException("no PD in this test");
        },
        holds);
  }

  static <B extends Backup> B backup(Class<B> type, String name, String policy, String extra)
      throws Exception {
    String group = type == Backup.class ? "pingcap.com" : "br.pingcap.com";
    return Serde.YAML.readValue(
        """
        apiVersion: %s/v1alpha1
        kind: Backup
        metadata: {name: %s, namespace: tidb, uid: uid-%s, creationTimestamp: '2024-05-01T09:59:00Z'}
        spec:
          br: {cluster: basic}
          cleanPolicy: %s
          s3: {provider: aws, bucket: bkt, prefix: p/%s, secretName: s3}
        %s
        """
            .formatted(group, name, name, policy, name, extra.indent(2)),
        type);
  }

  static Backup backup(String name, String policy) throws Exception {
    return backup(Backup.class, name, policy, "");
  }

  /** The Backup as stored and cached, the way the reconciler sees it. */
  <B extends Backup> B stored(B b) {
    B created = client.resource(b).create();
    cache.removeIf(c -> c.getMetadata().getUid().equals(b.getMetadata().getUid()));
    cache.add(created);
    return created;
  }

  <B extends Backup> void reconcile(BackupReconciler<B> r, B b) {
    r.reconcile(b, new TestingContext<>(b, client));
  }

  List<String> said() {
    return log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Test
  void aDeletePolicyBackupHoldsEverySecretItsCleanJobRefersToOnceAndKeepsOtherFinalizers()
      throws Exception {
    secrets.put("s3", "example.com/keep");
    secrets.put("extra");
    secrets.put("pull");
    var r = reconciler(Backup.class, holds(true));
    Backup b =
        stored(
            backup(
                Backup.class,
                "b1",
                "Delete",
                """
                imagePullSecrets: [{name: pull}]
                env:
                - name: EXTRA
                  valueFrom: {secretKeyRef: {name: extra, key: k}}
                """));

    reconcile(r, b);
    reconcile(r, b);

    assertThat(secrets.finalizers.get("s3")).containsExactly("example.com/keep", FIN);
    assertThat(secrets.finalizers.get("extra")).containsExactly(FIN);
    assertThat(secrets.finalizers.get("pull")).containsExactly(FIN);
    assertThat(secrets.requests)
        .as("one request per Secret, not one per reconcile")
        .containsExactlyInAnyOrder("add extra", "add pull", "add s3");
    assertThat(said()).anyMatch(l -> l.contains("Secret tidb/s3: finalizer " + FIN + " held"));
    assertThat(said()).anyMatch(l -> l.contains("Backup tidb/b1"));
  }

  @Test
  void aSharedSecretIsReleasedOnlyWhenTheLastBackupThatNeedsItNoLongerDoes() throws Exception {
    secrets.put("s3", "example.com/keep");
    var r = reconciler(Backup.class, holds(true));
    Backup a = stored(backup("a", "Delete"));
    Backup b = stored(backup("b", "Delete"));
    reconcile(r, a);
    reconcile(r, b);
    assertThat(secrets.finalizers.get("s3")).contains(FIN);

    // a is deleted: it wrote no data, so it is released at once; b still needs the Secret
    client.resource(a).delete();
    Backup deleting = client.resources(Backup.class).inNamespace(NS).withName("a").get();
    assertThat(deleting.isMarkedForDeletion()).isTrue();
    cache.set(cache.indexOf(a), deleting);
    reconcile(r, deleting);
    assertThat(client.resources(Backup.class).inNamespace(NS).withName("a").get())
        .as("a's finalizer released")
        .isNull();
    assertThat(secrets.finalizers.get("s3")).as("held for b").contains(FIN);
    assertThat(secrets.requests).doesNotContain("remove s3");
    assertThat(said()).anyMatch(l -> l.contains("kept held after Backup tidb/a"));
    cache.removeIf(x -> x.getMetadata().getName().equals("a"));

    // b's policy becomes Retain: no deletion needs the Secret any more
    Backup latest = client.resources(Backup.class).inNamespace(NS).withName("b").get();
    latest.getSpec().cleanPolicy = io.tidbbackup.api.CleanPolicy.RETAIN;
    Backup retained = client.resource(latest).update();
    cache.set(0, retained);
    reconcile(r, retained);
    assertThat(secrets.finalizers.get("s3"))
        .as("released; the other finalizer kept")
        .containsExactly("example.com/keep");
    assertThat(said()).anyMatch(l -> l.contains("released: no Backup's clean needs it"));

    int requests = secrets.requests.size();
    reconcile(r, retained);
    assertThat(secrets.requests).as("a release is not asked again").hasSize(requests);
  }

  @Test
  void aBackupGoneWithoutOurReleaseReleasesItsSecret() throws Exception {
    secrets.put("s3");
    var r = reconciler(Backup.class, holds(true));
    Backup a = stored(backup("a", "Delete"));
    reconcile(r, a);
    assertThat(secrets.finalizers.get("s3")).contains(FIN);

    // its finalizer removed by hand: the informer says it is gone, with its last state
    cache.clear();
    BackupSecretHolds.released(a, r.services());
    assertThat(secrets.finalizers.get("s3")).doesNotContain(FIN);
  }

  @Test
  void aRetainBackupNeverHoldsItsSecret() throws Exception {
    secrets.put("s3", "example.com/keep");
    var r = reconciler(Backup.class, holds(true));
    Backup a = stored(backup("a", "Retain"));
    reconcile(r, a);
    reconcile(r, a);
    assertThat(secrets.finalizers.get("s3")).containsExactly("example.com/keep");
    assertThat(secrets.requests)
        .as("one release, in case an earlier process held it, and no hold")
        .containsExactly("remove s3");
  }

  @Test
  void aFinalizerRemovedByHandComesBackNoSoonerThanTheRecheckAndIsSaid() throws Exception {
    secrets.put("s3");
    var r = reconciler(Backup.class, holds(true));
    Backup a = stored(backup("a", "Delete"));
    reconcile(r, a);
    secrets.removeByHand("s3");

    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      reconcile(r, a);
    }
    assertThat(secrets.finalizers.get("s3")).as("not fought over").doesNotContain(FIN);
    assertThat(secrets.requests).containsExactly("add s3");

    clock.advance(RECHECK);
    reconcile(r, a);
    reconcile(r, a);
    assertThat(secrets.finalizers.get("s3")).contains(FIN);
    assertThat(secrets.requests).containsExactly("add s3", "add s3");
    assertThat(said())
        .anyMatch(
            l ->
                l.startsWith("INFO Secret tidb/s3: changed since the operator held it")
                    && l.contains("Backup tidb/a"));
  }

  @Test
  void aSecretBeingDeletedIsKeptWhileHeldAndCannotBeGivenAFinalizerItLacks() throws Exception {
    secrets.put("s3");
    secrets.put("late");
    var r = reconciler(Backup.class, holds(true));
    Backup a = stored(backup("a", "Delete"));
    reconcile(r, a);
    // deleted while held: the finalizer stays, asserting it again changes nothing
    secrets.deleting.add("s3");
    clock.advance(RECHECK);
    reconcile(r, a);
    assertThat(secrets.finalizers.get("s3")).contains(FIN);

    // a Secret deleted before any hold: said once, not asked again until the recheck
    Backup named = backup("late", "Delete");
    named.getSpec().s3.secretName = "late";
    Backup late = stored(named);
    secrets.deleting.add("late");
    reconcile(r, late);
    reconcile(r, late);
    assertThat(secrets.finalizers.get("late")).isEmpty();
    assertThat(secrets.requests.stream().filter(q -> q.equals("add late"))).hasSize(1);
    assertThat(said())
        .anyMatch(l -> l.startsWith("WARN Secret tidb/late: not held for Backup tidb/late"));
  }

  @Test
  void turnedOffTheOperatorNeverTouchesASecret() throws Exception {
    secrets.put("s3");
    var r = reconciler(Backup.class, holds(false));
    Backup a = stored(backup("a", "Delete"));
    reconcile(r, a);
    client.resource(a).delete();
    Backup deleting = client.resources(Backup.class).inNamespace(NS).withName("a").get();
    reconcile(r, deleting);
    assertThat(secrets.requests).isEmpty();
    assertThat(secrets.finalizers.get("s3")).isEmpty();
  }

  @Test
  void v1AndV2BackupsThatShareASecretBothCount() throws Exception {
    secrets.put("s3");
    SecretHolds holds = holds(true);
    var v1 = reconciler(Backup.class, holds);
    var v2 = reconciler(io.tidbbackup.api.v2.BrBackup.class, holds);
    Backup a = stored(backup("a", "Delete"));
    var b = stored(backup(io.tidbbackup.api.v2.BrBackup.class, "b", "Delete", ""));
    reconcile(v1, a);
    reconcile(v2, b);
    assertThat(secrets.requests).containsExactly("add s3");

    cache.removeIf(x -> x.getMetadata().getName().equals("a"));
    BackupSecretHolds.released(a, v1.services());
    assertThat(secrets.finalizers.get("s3")).as("the v2 Backup still needs it").contains(FIN);

    cache.clear();
    BackupSecretHolds.released(b, v2.services());
    assertThat(secrets.finalizers.get("s3")).doesNotContain(FIN);
    assertThat(said()).anyMatch(l -> l.contains("after Backup.br.pingcap.com tidb/b"));
  }
}
