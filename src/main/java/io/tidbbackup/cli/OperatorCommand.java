package io.tidbbackup.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.operator.app.OperatorFactory;
import io.tidbbackup.operator.app.OperatorHttp;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code operator}: run the controllers against the current kubeconfig or the in-cluster config.
 */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Run the operator against the current kubeconfig or in-cluster config.")
public class OperatorCommand implements Callable<Integer> {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(OperatorCommand.class);

  @Option(
      names = "--watch-namespaces",
      defaultValue = "${env:WATCH_NAMESPACES:-}",
      description = "comma-separated namespaces to watch; empty for all (env WATCH_NAMESPACES)")
  String watchNamespaces;

  @Option(
      names = "--agent-image",
      defaultValue = "${env:AGENT_IMAGE:-" + JobSettings.DEFAULT_AGENT_IMAGE + "}",
      description = "image that runs `agent` in Jobs (env AGENT_IMAGE)")
  String agentImage;

  @Option(names = "--image-pull-policy", defaultValue = "${env:IMAGE_PULL_POLICY:-IfNotPresent}")
  String pullPolicy;

  @Option(
      names = "--default-tikv-version",
      defaultValue = "${env:DEFAULT_TIKV_VERSION:-" + OperatorSettings.DEFAULT_TIKV_VERSION + "}",
      description = "tool version when no TidbCluster or spec.toolImage names one")
  String defaultTikvVersion;

  @Option(
      names = "--pod-start-deadline",
      defaultValue = "${env:POD_START_DEADLINE:-15m}",
      description =
          "how long a Job's pod may wait to start before its backup or restore fails (a Go duration; env POD_START_DEADLINE)")
  String podStartDeadline;

  @Option(
      names = "--job-active-deadline",
      defaultValue = "${env:JOB_ACTIVE_DEADLINE:-}",
      description =
          "activeDeadlineSeconds of backup and restore Jobs (a Go duration; empty for none; env JOB_ACTIVE_DEADLINE)")
  String jobActiveDeadline;

  @Option(
      names = "--tool-image-registry",
      defaultValue = "${env:TOOL_IMAGE_REGISTRY:-}",
      description =
          "registry (and path) of the default tool images, for a cluster that pulls from a mirror: "
              + "<registry>/pingcap/br:<version> (env TOOL_IMAGE_REGISTRY)")
  String toolRegistry;

  @Option(
      names = "--pd-endpoint",
      defaultValue = "${env:PD_ENDPOINT:-}",
      description =
          "host:port where the operator reaches PD (its etcd, for log backups' checkpoints) instead of "
              + "<cluster>-pd.<namespace>:2379, for an operator run outside the cluster (env PD_ENDPOINT)")
  String pdEndpoint;

  @Option(
      names = "--selector",
      defaultValue = "${env:SELECTOR:-}",
      description =
          "label selector of the Backups, Restores, BackupSchedules and CompactBackups to serve, e.g. "
              + "backup-controller=tidb-backup-operator to move objects over one namespace at a time "
              + "(env SELECTOR)")
  String selector;

  @Option(
      names = "--api-groups",
      defaultValue = "${env:API_GROUPS:-pingcap.com}",
      description =
          "API groups to serve, comma-separated: pingcap.com (TiDB Operator v1's, the default), "
              + "br.pingcap.com (v2's); their CRDs must be installed (env API_GROUPS)")
  String apiGroups;

  /** The groups of --api-groups, or a refusal naming the flag. */
  static Set<io.tidbbackup.operator.surface.ApiSurface> apiGroups(String value) {
    try {
      Set<io.tidbbackup.operator.surface.ApiSurface> out =
          Arrays.stream(value.split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .map(io.tidbbackup.operator.surface.ApiSurface::parse)
              .collect(
                  Collectors.toCollection(
                      () ->
                          java.util.EnumSet.noneOf(
                              io.tidbbackup.operator.surface.ApiSurface.class)));
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no API group given");
      }
      return out;
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(new OperatorCommand()), "--api-groups: " + e.getMessage());
    }
  }

  @Option(
      names = "--hold-secrets",
      negatable = true,
      defaultValue = "${env:HOLD_SECRETS:-true}",
      description =
          "keep a finalizer of the operator on the Secrets that Backups' cleans need until no clean "
              + "needs them, so that a namespace deletion cannot remove credentials before the clean "
              + "(needs patch on Secrets; env HOLD_SECRETS)")
  boolean holdSecrets;

  @Option(
      names = "--server-side-apply",
      negatable = true,
      defaultValue = "${env:SERVER_SIDE_APPLY:-true}",
      description = "use server-side apply for finalizers (turn off for API servers without it)")
  boolean ssa;

  @Option(
      names = "--http-port",
      defaultValue = "${env:HTTP_PORT:-8080}",
      description =
          "port of /metrics (Prometheus), /healthz and /readyz; 0 picks a free port, -1 turns it off (env HTTP_PORT)")
  int httpPort;

  @Option(
      names = "--leader-election",
      negatable = true,
      defaultValue = "${env:LEADER_ELECTION:-false}",
      description =
          "elect one active replica through a Lease (env LEADER_ELECTION); needed with more than one replica")
  boolean leaderElection;

  @Option(
      names = "--leader-election-namespace",
      defaultValue = "${env:POD_NAMESPACE:-}",
      description = "namespace of the Lease (env POD_NAMESPACE; default: the pod's own namespace)")
  String leaseNamespace;

  /** A positive Go duration, or a refusal naming the flag. */
  static java.time.Duration duration(String flag, String value) {
    java.time.Duration d;
    try {
      d = io.tidbbackup.api.GoDuration.parse(value.trim());
    } catch (RuntimeException e) {
      d = null;
    }
    if (d == null || d.isNegative() || d.isZero()) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(new OperatorCommand()),
          flag + " \"" + value + "\" is not a positive Go duration such as 15m or 1h30m");
    }
    return d;
  }

  @Override
  public Integer call() throws Exception {
    Set<String> ns =
        watchNamespaces == null || watchNamespaces.isBlank()
            ? Set.of()
            : Arrays.stream(watchNamespaces.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    OperatorSettings settings =
        new OperatorSettings(
            ns,
            new JobSettings(
                agentImage,
                pullPolicy,
                duration("--pod-start-deadline", podStartDeadline),
                jobActiveDeadline == null || jobActiveDeadline.isBlank()
                    ? null
                    : duration("--job-active-deadline", jobActiveDeadline),
                toolRegistry),
            defaultTikvVersion,
            ssa,
            io.tidbbackup.operator.settings.CleanJobPolicy.defaults(),
            leaderElection ? leaseNamespace() : null,
            io.tidbbackup.operator.settings.ReconcileIntervals.defaults(),
            pdEndpoint == null || pdEndpoint.isBlank() ? null : pdEndpoint.trim(),
            selector == null || selector.isBlank() ? null : selector.trim(),
            apiGroups(apiGroups),
            holdSecrets);
    KubernetesClient client = new KubernetesClientBuilder().build();
    // the installed CRDs must be this operator's: say what to run when they are not
    List<io.tidbbackup.crd.CrdCheck.Problem> crds =
        io.tidbbackup.crd.CrdCheck.check(
            client,
            settings.apiGroups().stream()
                .map(io.tidbbackup.operator.surface.ApiSurface::group)
                .collect(Collectors.toSet()));
    for (io.tidbbackup.crd.CrdCheck.Problem p : crds) {
      if (p.fatal()) {
        LOG.error("{}", p);
      } else {
        LOG.warn("{}", p);
      }
    }
    if (crds.stream().anyMatch(io.tidbbackup.crd.CrdCheck.Problem::fatal)) {
      client.close();
      return 1;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    AtomicBoolean stopping = new AtomicBoolean();
    Operator operator =
        OperatorFactory.create(
            client,
            settings,
            Clock.systemUTC(),
            registry,
            () -> {
              if (!stopping.get()) {
                // another replica may hold the Lease now: stop at once rather than reconcile beside
                // it
                System.err.println("operator: lost the leader Lease; exiting");
                Runtime.getRuntime().halt(1);
              }
            });
    OperatorHttp http =
        httpPort < 0 ? null : OperatorHttp.start(httpPort, registry, operator::getRuntimeInfo);
    if (http != null) {
      System.err.println("operator: /metrics, /healthz and /readyz on port " + http.port());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  operator.stop();
                  if (http != null) {
                    http.close();
                  }
                  client.close();
                  stopped.countDown();
                },
                "operator-shutdown"));
    operator.start();
    stopped.await();
    return 0;
  }

  /** The flag, else the namespace of the pod's service account. */
  String leaseNamespace() throws java.io.IOException {
    if (leaseNamespace != null && !leaseNamespace.isBlank()) {
      return leaseNamespace.trim();
    }
    java.nio.file.Path sa =
        java.nio.file.Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    if (java.nio.file.Files.isReadable(sa)) {
      return java.nio.file.Files.readString(sa).trim();
    }
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this),
        "--leader-election needs --leader-election-namespace (or env POD_NAMESPACE) outside a pod");
  }
}
