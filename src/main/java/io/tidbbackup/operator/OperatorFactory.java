package io.tidbbackup.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.operator.backup.BackupReconciler;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.StatusWriter;
import java.time.Clock;

/** The one place where JOSDK is configured and the reconcilers are registered. */
public final class OperatorFactory {

  private OperatorFactory() {}

  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock) {
    Operator operator = new Operator(o -> o
        .withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
        .withSSABasedCreateUpdateMatchForDependentResources(settings.serverSideApply())
        .withStopOnInformerErrorDuringStartup(false));
    StatusWriter writer = new StatusWriter(new EventRecorder(client, clock));
    ClusterFactsResolver clusters = new ClusterFactsResolver(client, settings.defaultTikvVersion());
    operator.register(new BackupReconciler(client, clock, writer, settings.jobs(), clusters), o -> {
      o.withName("backup");
      if (!settings.watchNamespaces().isEmpty()) {
        o.settingNamespaces(settings.watchNamespaces());
      }
    });
    return operator;
  }
}
