package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The Job controller's {@code FailedCreate} events (why a Job has no pod: a missing ServiceAccount,
 * a quota, Pod Security), watched rather than listed.
 *
 * <p>The API server keeps no watch cache of events: every list of them, whatever its field
 * selector, reads all of the namespace's events from etcd. Listing them for each Job without a pod
 * made every diagnosis cost as much as the namespace has events, which at 10,000 Backups (and as
 * many events) doubled the time to schedule them all (docs/development.md). A watch of the
 * namespace's FailedCreate events of Jobs costs one list and then only what changes.
 *
 * <p>A namespace is watched from the first Job looked at in it, young ones included, so that the
 * watch has its first list by the time a Job is old enough to be diagnosed. Until then, or if the
 * watch cannot run (a role without {@code watch} on events), the events are listed as before. A
 * namespace's watch stops once no Job of it has been asked about for {@link #IDLE} (namespaces come
 * and go; their watches must not pile up), and all stop with the operator's client.
 */
public final class FailedCreates {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(FailedCreates.class);
  private static final String BY_JOB = "involvedObject.uid";

  /** A namespace's watch stops when none of its Jobs has been asked about for this long. */
  public static final java.time.Duration IDLE = java.time.Duration.ofMinutes(30);

  /** A namespace's watch and when a Job of it was last asked about ({@code nanoTime}). */
  private record Watched(SharedIndexInformer<Event> informer, AtomicLong lastUsed) {}

  private final KubernetesClient client;
  private final LongSupplier nanoTime;
  private final Map<String, Watched> watches = new ConcurrentHashMap<>();

  public FailedCreates(KubernetesClient client) {
    this(client, System::nanoTime);
  }

  FailedCreates(KubernetesClient client, LongSupplier nanoTime) {
    this.client = client;
    this.nanoTime = nanoTime;
  }

  /**
   * Starts watching {@code namespace} unless it is watched already, and stops the watches of
   * namespaces idle for {@link #IDLE}; never waits.
   */
  public void watch(String namespace) {
    long now = nanoTime.getAsLong();
    watches
        .computeIfAbsent(namespace, ns -> new Watched(start(ns), new AtomicLong()))
        .lastUsed()
        .set(now);
    watches.forEach(
        (ns, w) -> {
          if (now - w.lastUsed().get() > IDLE.toNanos() && watches.remove(ns, w)) {
            LOG.info("stopped watching the FailedCreate events of namespace {}: no Job asked", ns);
            w.informer().stop();
          }
        });
  }

  /** The namespaces watched now. */
  java.util.Set<String> watched() {
    return java.util.Set.copyOf(watches.keySet());
  }

  private SharedIndexInformer<Event> start(String namespace) {
    SharedIndexInformer<Event> informer =
        client
            .v1()
            .events()
            .inNamespace(namespace)
            .withField("reason", "FailedCreate")
            .withField("involvedObject.kind", "Job")
            .runnableInformer(0);
    informer.addIndexers(
        Map.of(
            BY_JOB,
            e ->
                e.getInvolvedObject() == null || e.getInvolvedObject().getUid() == null
                    ? List.of()
                    : List.of(e.getInvolvedObject().getUid())));
    // a watch refused by RBAC is not retried for ever (the diagnosis lists instead); anything
    // else (a dropped connection, an expired resourceVersion) is retried by the informer
    informer.exceptionHandler(
        (started, t) -> {
          boolean refused =
              t instanceof KubernetesClientException k
                  && (k.getCode() == 401 || k.getCode() == 403);
          if (refused) {
            LOG.warn(
                "cannot watch the FailedCreate events of namespace {} ({}); they are listed"
                    + " instead",
                namespace,
                t.getMessage());
          }
          return !refused;
        });
    LOG.info("watching the FailedCreate events of Jobs in namespace {}", namespace);
    informer.start();
    return informer;
  }

  /**
   * The message of the newest FailedCreate event of {@code job}, or null: from the watch once it
   * has its first list, else from a list of the events.
   */
  public String latest(Job job) {
    String ns = job.getMetadata().getNamespace();
    watch(ns);
    Watched w = watches.get(ns);
    SharedIndexInformer<Event> informer = w == null ? null : w.informer();
    List<Event> events =
        informer != null && informer.isRunning() && informer.hasSynced()
            ? informer.getIndexer().byIndex(BY_JOB, job.getMetadata().getUid())
            : listed(job);
    String uid = job.getMetadata().getUid();
    return events.stream()
        // what the selectors asked for, checked again: a server that ignores a field selector
        // must not lend another Job's cause to this one
        .filter(e -> "FailedCreate".equals(e.getReason()))
        .filter(e -> e.getInvolvedObject() != null && uid.equals(e.getInvolvedObject().getUid()))
        .max(Comparator.comparing(FailedCreates::when))
        .map(Event::getMessage)
        .orElse(null);
  }

  private List<Event> listed(Job job) {
    try {
      return client
          .v1()
          .events()
          .inNamespace(job.getMetadata().getNamespace())
          .withField("involvedObject.uid", job.getMetadata().getUid())
          .list(
              new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                  .withResourceVersion("0")
                  .build())
          .getItems();
    } catch (KubernetesClientException e) {
      LOG.debug(
          "cannot read the events of Job {}/{}: {}",
          job.getMetadata().getNamespace(),
          job.getMetadata().getName(),
          e.getMessage());
      return List.of();
    }
  }

  private static String when(Event e) {
    return Objects.toString(
        e.getLastTimestamp() != null
            ? e.getLastTimestamp()
            : e.getMetadata().getCreationTimestamp(),
        "");
  }
}
