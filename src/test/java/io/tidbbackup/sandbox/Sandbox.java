package io.tidbbackup.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.app.OperatorHttp;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded sandbox, in one JVM: a real control plane (etcd, kube-apiserver,
 * kube-controller-manager, built by {@code controlplane/build.sh} on first use), a real node whose
 * Job pods run as containers ({@link io.tidbbackup.controlplane.RealNode}), an s3proxy S3 server,
 * and the operator: in this JVM for the demo (the production code, with the Helm chart's RBAC),
 * installed by the Helm chart as a pod for the kubectl mode. Dev-only: it lives with the tests, so
 * the production jar carries none of it.
 *
 * <p>{@code sandbox demo} walks a Backup through create → Complete → Restore → delete → cleaned and
 * exits 0 when every step checked out; {@code sandbox} keeps running and prints the kubeconfig for
 * kubectl.
 */
public final class Sandbox implements AutoCloseable {
  public static final String ACCESS_KEY = LocalCluster.ACCESS_KEY;
  public static final String SECRET_KEY = LocalCluster.SECRET_KEY;

  final LocalCluster cluster;
  final int objects;
  final LocalCluster.RunningOperator operator;
  final OperatorHttp http;
  final io.tidbbackup.controlplane.ChartOperator chart;

  private Sandbox(
      LocalCluster cluster,
      int objects,
      LocalCluster.RunningOperator operator,
      OperatorHttp http,
      io.tidbbackup.controlplane.ChartOperator chart) {
    this.cluster = cluster;
    this.objects = objects;
    this.operator = operator;
    this.http = http;
    this.chart = chart;
  }

  /**
   * Starts everything, the operator in this JVM; {@code objects} is how many objects each backup
   * writes.
   */
  public static Sandbox start(int objects, PrintStream out) throws Exception {
    LocalCluster cluster = LocalCluster.get(objects, out::println);
    restoreSignalHandlers();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    LocalCluster.RunningOperator operator = cluster.startOperator(Set.of(), registry);
    OperatorHttp http = OperatorHttp.start(0, registry, operator.operator()::getRuntimeInfo);
    out.println(
        "sandbox: API server "
            + cluster.controlPlane.url()
            + ", S3 "
            + cluster.s3Endpoint()
            + ", operator metrics http://127.0.0.1:"
            + http.port()
            + "/metrics");
    return new Sandbox(cluster, objects, operator, http, null);
  }

  /**
   * Starts everything, the operator installed by the Helm chart as a pod on the node (watching
   * {@code namespace}).
   */
  public static Sandbox startInCluster(int objects, String namespace, PrintStream out)
      throws Exception {
    LocalCluster cluster = LocalCluster.get(objects, out::println);
    restoreSignalHandlers();
    // the chart makes the Job ServiceAccount in each watched namespace: it must exist first
    cluster
        .admin
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(namespace)
                .endMetadata()
                .build())
        .serverSideApply();
    var chart =
        io.tidbbackup.controlplane.ChartOperator.install(
            cluster, "tidb-backup-operator", "tidb-backup-system", java.util.List.of(namespace));
    var pod = chart.awaitReady(java.time.Duration.ofSeconds(180));
    out.println(
        "sandbox: API server "
            + cluster.controlPlane.url()
            + ", S3 "
            + cluster.s3Endpoint()
            + ", the operator is pod "
            + chart.namespace
            + "/"
            + pod.getMetadata().getName()
            + " of Helm release "
            + chart.release
            + " (Ready: the kubelet's probes passed)");
    return new Sandbox(cluster, objects, null, null, chart);
  }

  public KubernetesClient client() {
    return cluster.admin;
  }

  public String s3Endpoint() {
    return cluster.s3Endpoint();
  }

  public static void main(String[] args) throws Exception {
    quietLogs();
    boolean demo = args.length > 0 && args[0].equals("demo");
    int objects = Integer.getInteger("sandbox.objects", 3000);
    PrintStream out = System.out;
    int code;
    if (demo) {
      out.println(
          "sandbox: starting a real control plane (the first run builds it from Go modules: 5-25 minutes, "
              + "progress below), a real node (kubelet, containerd, runc: the Job pods run as containers of "
              + "this project's image and stand-in tool images, built on first use), an S3 server and "
              + "the operator");
    }
    try (Sandbox sb = demo ? start(objects, out) : startInCluster(objects, SandboxDemo.NS, out)) {
      if (demo) {
        code = new SandboxDemo(sb, out).run() ? 0 : 1;
      } else {
        Path dir = Path.of("target", "sandbox");
        Path kubeconfig =
            sb.cluster.kubeconfig(dir.resolve("kubeconfig"), SandboxDemo.NS).toAbsolutePath();
        SandboxDemo d = new SandboxDemo(sb, out);
        d.prepare();
        java.nio.file.Files.writeString(dir.resolve("backup.yaml"), d.backupYaml("my-backup"));
        java.nio.file.Files.writeString(
            dir.resolve("restore.yaml"), d.restoreYaml("my-restore", "my-backup"));
        out.println(
            """
            sandbox: running; Ctrl-C stops it. Namespace tidb has Secret s3-secret for the embedded S3.
              export KUBECONFIG=%1$s
              alias kubectl=%3$s   # the kubectl built with the control plane (any kubectl 1.35-1.37 works)
              kubectl apply -f %2$s/backup.yaml
              kubectl get bk -w                      # watch it go Scheduled, Running, Complete (Ctrl-C)
              kubectl describe bk my-backup          # status, conditions and the operator's events
              kubectl apply -f %2$s/restore.yaml && kubectl wait --for=condition=Complete rt/my-restore
              kubectl delete bk my-backup            # cleanPolicy Delete: the clean Job empties the prefix first"""
                .formatted(
                    kubeconfig, dir.toAbsolutePath(), sb.cluster.controlPlane.kubectlBinary()));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
        code = 0;
      }
    }
    System.exit(code);
  }

  /**
   * Helm (helm-java, which renders the chart's RBAC) is a Go library loaded into this JVM, and the
   * Go runtime takes over SIGTERM and SIGINT: Ctrl-C would no longer stop the sandbox. Handing them
   * back to the JVM makes them run the shutdown hooks again (which stop the control plane).
   */
  @SuppressWarnings("sunapi")
  static void restoreSignalHandlers() {
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> System.exit(128 + sig.getNumber()));
    }
  }

  /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  /** The walk's own lines are the output; the servers' request logs are not. */
  public static void quietLogs() {
    QUIET.setLevel(java.util.logging.Level.WARNING);
    if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.fabric8"))
          .setLevel(ch.qos.logback.classic.Level.ERROR);
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.javaoperatorsdk"))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (operator != null) {
      operator.close();
    }
    if (chart != null) {
      try {
        chart.close();
      } catch (Exception e) {
        // the forwarder's socket: nothing to keep
      }
    }
  }
}
