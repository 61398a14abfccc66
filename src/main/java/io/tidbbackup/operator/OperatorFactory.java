package io.tidbbackup.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.operator.backup.BackupReconciler;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.StatusWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidbbackup.operator.backup.InProcessCleaner;
import io.tidbbackup.operator.restore.RestoreReconciler;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Clock;

/** The one place where JOSDK is configured and the reconcilers are registered. */
public final class OperatorFactory {

  private OperatorFactory() {}

  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock) {
    return create(client, settings, clock, new SimpleMeterRegistry());
  }

  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock,
      MeterRegistry registry) {
    Operator operator = new Operator(o -> o
        .withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
        .withSSABasedCreateUpdateMatchForDependentResources(settings.serverSideApply())
        .withStopOnInformerErrorDuringStartup(false));
    EventRecorder events = new EventRecorder(client, clock);
    StatusWriter writer = new StatusWriter(events);
    ClusterFactsResolver clusters = new ClusterFactsResolver(client, settings.defaultTikvVersion());
    operator.register(new BackupReconciler(client, clock, writer, events, settings.jobs(), settings.clean(), clusters,
        new InProcessCleaner(), new CleanMetrics(registry)), o -> {
      o.withName("backup");
      // the finalizer is added only where cleanPolicy needs it, so the reconciler handles it itself and is
      // called for every event, deletions included
      o.withTriggerReconcilerOnAllEvents(true);
      if (!settings.watchNamespaces().isEmpty()) {
        o.settingNamespaces(settings.watchNamespaces());
      }
    });
    operator.register(new RestoreReconciler(client, clock, writer, events, settings.jobs(), clusters), o -> {
      o.withName("restore");
      if (!settings.watchNamespaces().isEmpty()) {
        o.settingNamespaces(settings.watchNamespaces());
      }
    });
    return operator;
  }
}
