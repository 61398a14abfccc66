package io.tidbbackup.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidbbackup.operator.backup.BackupReconciler;
import io.tidbbackup.operator.cluster.ClusterFactsResolver;
import io.tidbbackup.operator.compact.CompactBackupReconciler;
import io.tidbbackup.operator.kernel.Dependencies;
import io.tidbbackup.operator.kernel.LeanItemStore;
import io.tidbbackup.operator.restore.RestoreReconciler;
import io.tidbbackup.operator.run.InProcessCleaner;
import io.tidbbackup.operator.run.KubeToolJobs;
import io.tidbbackup.operator.schedule.BackupScheduleReconciler;
import io.tidbbackup.operator.settings.OperatorSettings;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.PhaseMetrics;
import io.tidbbackup.operator.status.StatusWriter;
import io.tidbbackup.operator.surface.ApiSurface;
import io.tidbbackup.storage.CleanMetrics;
import java.time.Clock;

/** The one place where JOSDK is configured and the reconcilers are registered. */
public final class OperatorFactory {

  private OperatorFactory() {}

  public static Operator create(KubernetesClient client, OperatorSettings settings, Clock clock) {
    return create(client, settings, clock, new SimpleMeterRegistry());
  }

  /** How long one check of the Lease by the LeaseGuard stands for. */
  static final java.time.Duration LEASE_CHECK_WINDOW = java.time.Duration.ofSeconds(2);

  /**
   * This replica's identity in the leader Lease: the HOSTNAME (in a pod, its name), else this
   * host's name and the process id (two processes on one machine).
   */
  static String leaderIdentity() {
    String id = System.getenv("HOSTNAME");
    if (id != null && !id.isBlank()) {
      return id;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "operator";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  public static Operator create(
      KubernetesClient client, OperatorSettings settings, Clock clock, MeterRegistry registry) {
    return create(client, settings, clock, registry, () -> {});
  }

  /**
   * The operator's client configuration: the caller's, over HTTP/1.1. Over HTTP/2 the JDK client
   * carries every request and every watch of the operator on one connection; at 5,000 Backups that
   * made the operator 1.7-2 times a bare client's writes, and 1.2 times over HTTP/1.1, with a
   * connection per request in flight (docs/development.md).
   */
  static io.fabric8.kubernetes.client.Config clientConfig(
      io.fabric8.kubernetes.client.Config given) {
    return new io.fabric8.kubernetes.client.ConfigBuilder(given).withHttp2Disable(true).build();
  }

  /**
   * @param onLostLease run when this replica stops holding the leader Lease (also on a normal
   *     stop): the operator command halts the process then, unless it is shutting down, so that two
   *     replicas never reconcile at once
   */
  public static Operator create(
      KubernetesClient given,
      OperatorSettings settings,
      Clock clock,
      MeterRegistry registry,
      Runnable onLostLease) {
    // the operator's own client, on the caller's configuration, reads our objects tolerantly: one
    // that the model cannot read becomes Invalid by itself instead of failing the informer, and
    // with it every object of its kind (TolerantReading)
    var builder =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(clientConfig(given.getConfiguration()))
            .withKubernetesSerialization(io.tidbbackup.api.TolerantReading.serialization());
    String identity = settings.leaseNamespace() == null ? null : leaderIdentity();
    if (settings.leaseNamespace() != null) {
      // a replica that lost the Lease while it was stopped never writes again (LeaseGuard)
      LeaseGuard guard =
          new LeaseGuard(
              given,
              settings.leaseNamespace(),
              OperatorSettings.LEASE_NAME,
              identity,
              LEASE_CHECK_WINDOW,
              onLostLease);
      builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("lease-guard", guard));
    }
    KubernetesClient client = builder.build();
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(true) // ours; the caller's client stays open
                    // an informer that stops is logged, never a reason to stop the process; one
                    // stopped without an error is the operator shutting down
                    .withInformerStoppedHandler(
                        (informer, ex) -> {
                          var log = org.slf4j.LoggerFactory.getLogger(OperatorFactory.class);
                          if (ex == null) {
                            log.info("an informer stopped");
                          } else {
                            log.error("an informer stopped: {}", ex.toString());
                          }
                        })
                    .withUseSSAToPatchPrimaryResource(settings.serverSideApply())
                    .withSSABasedCreateUpdateMatchForDependentResources(settings.serverSideApply())
                    .withStopOnInformerErrorDuringStartup(false)
                    // the status a reconcile wrote stays what the next one reads until the informer
                    // brings a later resourceVersion; without this any event, even an older one
                    // that arrives late under load, drops it, and the next reconcile reads a stale
                    // status (its write is then a 409 Conflict and a GET)
                    .withParseResourceVersions(true)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                    .withLeaderElectionConfiguration(
                        settings.leaseNamespace() == null
                            ? null
                            : new LeaderElectionConfiguration(
                                OperatorSettings.LEASE_NAME,
                                settings.leaseNamespace(),
                                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                                identity,
                                new LeaderCallbacks(() -> {}, onLostLease, leader -> {}),
                                false)));
    // a reconcile that throws is retried for ever, with capped backoff: never given up on until the
    // next resync hours later
    var retry =
        new io.javaoperatorsdk.operator.processing.retry.GenericRetry()
            .withoutMaxAttempts()
            .setInitialInterval(settings.intervals().errorRetryStart())
            .setIntervalMultiplier(2.0)
            .setMaxInterval(settings.intervals().errorRetryCap().toMillis());
    EventRecorder events = new EventRecorder(client, clock);
    StatusWriter writer =
        new StatusWriter(
            events,
            new PhaseMetrics(registry),
            new io.tidbbackup.operator.status.ObjectMetrics(registry, clock));
    ClusterFactsResolver clusters = new ClusterFactsResolver(client, settings.defaultTikvVersion());
    // shared by both groups' Backup reconcilers: one in-process cleaner, one PD client per address
    InProcessCleaner inProcess = new InProcessCleaner();
    CleanMetrics cleanMetrics = new CleanMetrics(registry);
    var logTasks = new io.tidbbackup.operator.cluster.PdLogTasks(settings.pdEndpointOverride());
    Dependencies deps =
        new Dependencies(
            client,
            clock,
            writer,
            events,
            new KubeToolJobs(client),
            settings,
            clusters,
            inProcess,
            cleanMetrics,
            logTasks,
            new io.tidbbackup.operator.run.SecretHolds(
                new io.tidbbackup.operator.run.KubeSecretHolds(client),
                settings.holdSecrets(),
                clock,
                settings.intervals().secretHoldRecheck()),
            new io.tidbbackup.operator.run.StoragePreflight());
    for (ApiSurface api : settings.apiGroups()) {
      // one reconciler per kind and group, the same flows; v1's controllers keep their names
      String suffix = api == ApiSurface.V1 ? "" : "." + api.group();
      operator.register(
          BackupReconciler.of(api, deps),
          o -> {
            o.withName("backup" + suffix);
            o.withRetry(retry);
            // the finalizer is added only where cleanPolicy needs it, so the reconciler handles it
            // itself and is called for every event, deletions included
            o.withTriggerReconcilerOnAllEvents(true);
            scope(o, settings);
          });
      operator.register(
          RestoreReconciler.of(api, deps),
          o -> {
            o.withName("restore" + suffix);
            o.withRetry(retry);
            // called for deletions too: the object gauges forget a deleted Restore, and a v2
            // Restore deleted while it runs has its Job stopped
            o.withTriggerReconcilerOnAllEvents(true);
            scope(o, settings);
          });
      operator.register(
          CompactBackupReconciler.of(api, deps),
          o -> {
            o.withName("compactbackup" + suffix);
            o.withRetry(retry);
            o.withTriggerReconcilerOnAllEvents(true);
            scope(o, settings);
          });
      operator.register(
          BackupScheduleReconciler.of(api, deps),
          o -> {
            o.withName("backupschedule" + suffix);
            o.withRetry(retry);
            // any change (pause, a template edit, a touched annotation) and every child's change
            // re-plans
            o.withGenerationAware(false);
            scope(o, settings);
          });
    }
    return operator;
  }

  /** The namespaces and the label selector every controller serves. */
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> void scope(
      io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<R> o,
      OperatorSettings settings) {
    // the primary informer keeps each object without managedFields and last-applied
    o.withItemStore(new LeanItemStore<>());
    if (!settings.watchNamespaces().isEmpty()) {
      o.settingNamespaces(settings.watchNamespaces());
    }
    if (settings.selector() != null) {
      o.withLabelSelector(settings.selector());
    }
  }
}
