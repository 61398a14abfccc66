package io.tidbbackup.sandbox;

import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.operator.OperatorFactory;
import io.tidbbackup.operator.OperatorHttp;
import io.tidbbackup.operator.OperatorSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;

/**
 * The embedded sandbox, in one JVM: the mock API server (kubectl works against it), an s3proxy S3 server, the
 * operator itself (the production code, with server-side apply off because the mock has none) and a local job
 * runner that plays the kubelet. Dev-only: it lives with the tests, so the production jar carries none of it.
 *
 * <p>{@code sandbox demo} walks a Backup through create → Complete → Restore → delete → cleaned and exits 0 when every
 * step checked out; {@code sandbox} keeps running and prints the kubeconfig for kubectl.
 */
public final class Sandbox implements AutoCloseable {
  public static final String ACCESS_KEY = "sandbox-access";
  public static final String SECRET_KEY = "sandbox-secret-key";

  final SandboxCluster cluster;
  final S3ProxyExtension s3;
  final Operator operator;
  final OperatorHttp http;
  final LocalJobRunner kubelet;

  private Sandbox(SandboxCluster cluster, S3ProxyExtension s3, Operator operator, OperatorHttp http,
      LocalJobRunner kubelet) {
    this.cluster = cluster;
    this.s3 = s3;
    this.operator = operator;
    this.http = http;
    this.kubelet = kubelet;
  }

  /** Starts everything; {@code objects} is how many objects each simulated backup writes. */
  public static Sandbox start(int apiPort, int objects, PrintStream out) throws Exception {
    SandboxCluster cluster = SandboxCluster.start(apiPort, Path.of("crds"));
    S3ProxyExtension s3 = S3ProxyExtension.builder().withCredentials(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY,
        SECRET_KEY).withBlobStoreProvider("transient").build();
    s3.beforeEach(null);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Operator operator = OperatorFactory.create(cluster.client(), OperatorSettings.defaults().withServerSideApply(false),
        Clock.systemUTC(), registry);
    operator.start();
    OperatorHttp http = OperatorHttp.start(0, registry, operator::getRuntimeInfo);
    LocalJobRunner kubelet = new LocalJobRunner(cluster.client(), objects, out::println).start();
    out.println("sandbox: API server " + cluster.url() + ", S3 " + s3.getUri() + ", operator metrics http://127.0.0.1:"
        + http.port() + "/metrics");
    return new Sandbox(cluster, s3, operator, http, kubelet);
  }

  public String s3Endpoint() {
    String uri = s3.getUri().toString();
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  public static void main(String[] args) throws Exception {
    quietLogs();
    boolean demo = args.length > 0 && args[0].equals("demo");
    int objects = Integer.getInteger("sandbox.objects", 3000);
    PrintStream out = System.out;
    int code;
    try (Sandbox sb = start(demo ? 0 : Integer.getInteger("sandbox.port", 0), objects, out)) {
      if (demo) {
        code = new SandboxDemo(sb, out).run() ? 0 : 1;
      } else {
        Path dir = Path.of("target", "sandbox");
        Path kubeconfig = sb.cluster.writeKubeconfig(dir.resolve("kubeconfig"));
        SandboxDemo d = new SandboxDemo(sb, out);
        d.prepare();
        java.nio.file.Files.writeString(dir.resolve("backup.yaml"), d.backupYaml("my-backup"));
        java.nio.file.Files.writeString(dir.resolve("restore.yaml"), d.restoreYaml("my-restore", "my-backup"));
        out.println("""
            sandbox: running; Ctrl-C stops it. Namespace tidb has Secret s3-secret for the embedded S3.
              export KUBECONFIG=%1$s
              kubectl apply --validate=false -f %2$s/backup.yaml
              kubectl get bk;  kubectl get bk my-backup -o yaml
              kubectl apply --validate=false -f %2$s/restore.yaml;  kubectl get rt
              kubectl delete bk my-backup --wait=false; kubectl get bk   # cleanPolicy Delete: the clean Job empties the prefix"""
            .formatted(kubeconfig.toAbsolutePath(), dir.toAbsolutePath()));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
        code = 0;
      }
    }
    System.exit(code);
  }

  /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  /** The walk's own lines are the output; the servers' request logs are not. */
  public static void quietLogs() {
    QUIET.setLevel(java.util.logging.Level.WARNING);
    if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.fabric8"))
          .setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  @Override
  public void close() {
    kubelet.close();
    http.close();
    operator.stop();
    try {
      s3.afterEach(null);
    } catch (Exception e) {
      // the JVM is going away
    }
    cluster.close();
  }
}
