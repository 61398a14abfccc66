package io.tidbbackup.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * A JOSDK {@link Context} for calling a reconciler or a lifecycle step synchronously: the secondary
 * resources are whatever the test puts in; there is no event source (a create is not remembered in
 * a cache, as with a real informer whose watch has not delivered yet).
 */
public final class TestingContext<P extends HasMetadata> implements Context<P> {
  private final P primary;
  private final KubernetesClient client;
  private final List<Object> secondary = new ArrayList<>();

  public TestingContext(P primary, KubernetesClient client) {
    this.primary = primary;
    this.client = client;
  }

  public TestingContext<P> with(Object... resources) {
    secondary.addAll(List.of(resources));
    return this;
  }

  @Override
  public Optional<RetryInfo> getRetryInfo() {
    return Optional.empty();
  }

  @Override
  public <R> Set<R> getSecondaryResources(Class<R> type) {
    Set<R> out = new LinkedHashSet<>();
    secondary.stream().filter(type::isInstance).map(type::cast).forEach(out::add);
    return out;
  }

  @Override
  public <R> Optional<R> getSecondaryResource(Class<R> type, String eventSourceName) {
    return getSecondaryResources(type).stream().findFirst();
  }

  @Override
  public ControllerConfiguration<P> getControllerConfiguration() {
    throw new UnsupportedOperationException("not in a testing context");
  }

  @Override
  public ManagedWorkflowAndDependentResourceContext managedWorkflowAndDependentResourceContext() {
    throw new UnsupportedOperationException("not in a testing context");
  }

  @Override
  public EventSourceRetriever<P> eventSourceRetriever() {
    throw new UnsupportedOperationException("not in a testing context");
  }

  @Override
  public KubernetesClient getClient() {
    return client;
  }

  @Override
  public ExecutorService getWorkflowExecutorService() {
    throw new UnsupportedOperationException("not in a testing context");
  }

  @Override
  public P getPrimaryResource() {
    return primary;
  }

  @Override
  public IndexedResourceCache<P> getPrimaryCache() {
    // the primary cache holds the primary alone (no other object of its kind)
    return new IndexedResourceCache<>() {
      @Override
      public List<P> byIndex(String index, String key) {
        return List.of();
      }

      @Override
      public java.util.stream.Stream<P> list(
          String namespace, java.util.function.Predicate<P> which) {
        return list(which).filter(p -> namespace.equals(p.getMetadata().getNamespace()));
      }

      @Override
      public Optional<P> get(io.javaoperatorsdk.operator.processing.event.ResourceID id) {
        return list(p -> true)
            .filter(
                p ->
                    id.equals(
                        io.javaoperatorsdk.operator.processing.event.ResourceID.fromResource(p)))
            .findFirst();
      }

      @Override
      public java.util.stream.Stream<io.javaoperatorsdk.operator.processing.event.ResourceID>
          keys() {
        return list(p -> true)
            .map(io.javaoperatorsdk.operator.processing.event.ResourceID::fromResource);
      }

      @Override
      public java.util.stream.Stream<P> list(java.util.function.Predicate<P> which) {
        return java.util.stream.Stream.of(primary).filter(which);
      }
    };
  }

  @Override
  public boolean isNextReconciliationImminent() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceDeleted() {
    return false;
  }

  @Override
  public boolean isPrimaryResourceFinalStateUnknown() {
    return false;
  }
}
