package io.tidbbackup.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tidbbackup.api.ConditionTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Watches the bench's namespace (informers in the bench's process, so nothing lists 10,000 objects
 * in a loop) until every Job exists and every Backup says Scheduled; {@link #doneAt} is when the
 * last of those events arrived, {@link #jobsDoneAt} when the last Job did. Backups are read as
 * generic objects ({@code status.phase}), so the same watch serves our CRDs and TiDB Operator's.
 */
final class ScaleProgress implements AutoCloseable {
  private final int n;
  private final Set<String> jobs = ConcurrentHashMap.newKeySet();
  private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private volatile long doneAt;
  private volatile long jobsDoneAt;

  private ScaleProgress(int n) {
    this.n = n;
  }

  static ScaleProgress watch(KubernetesClient c, int n) {
    ScaleProgress p = new ScaleProgress(n);
    p.informers.add(
        c.batch()
            .v1()
            .jobs()
            .inNamespace(OperatorScaleBenchmark.NS)
            .inform(p.handler(j -> true, p.jobs)));
    p.informers.add(
        c.genericKubernetesResources("pingcap.com/v1alpha1", "Backup")
            .inNamespace(OperatorScaleBenchmark.NS)
            .inform(p.handler(ScaleProgress::isScheduled, p.scheduled)));
    return p;
  }

  static boolean isScheduled(GenericKubernetesResource b) {
    return b.getAdditionalProperties().get("status") instanceof Map<?, ?> status
        && ConditionTypes.SCHEDULED.equals(status.get("phase"));
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(
      Predicate<T> counts, Set<String> into) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T o) {
        seen(o);
      }

      @Override
      public void onUpdate(T old, T o) {
        seen(o);
      }

      @Override
      public void onDelete(T o, boolean unknown) {}

      private void seen(T o) {
        if (counts.test(o) && into.add(o.getMetadata().getName())) {
          if (jobsDoneAt == 0 && jobs.size() >= n) {
            jobsDoneAt = System.nanoTime();
          }
          if (doneAt == 0 && jobs.size() >= n && scheduled.size() >= n) {
            doneAt = System.nanoTime();
          }
        }
      }
    };
  }

  boolean done() {
    return doneAt != 0;
  }

  int jobs() {
    return jobs.size();
  }

  int scheduled() {
    return scheduled.size();
  }

  long doneAt() {
    return doneAt;
  }

  long jobsDoneAt() {
    return jobsDoneAt;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
