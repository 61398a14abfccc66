package io.tidbbackup.controlplane;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane for the end-to-end tests and the sandbox: etcd, kube-apiserver
 * (RBAC on, on 127.0.0.1) and kube-controller-manager (the Job, garbage-collector and namespace
 * controllers), built from Go modules by {@code controlplane/build.sh}. One per JVM ({@link
 * #shared}); nothing runs pods, that is {@link LocalKubelet}'s part.
 *
 * <p>Authentication: a static admin token (group {@code system:masters}) for the tests' own client
 * and the controller manager, and ServiceAccount tokens from the TokenRequest API for anything that
 * must run with only its RBAC (the operator, with the Helm chart's roles). The serving certificate
 * is the apiserver's self-signed one, so clients skip verification: loopback only.
 */
public final class ControlPlane implements AutoCloseable {
  public static final String ADMIN_TOKEN = "e2e-admin-token";

  private static ControlPlane shared;

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private List<String> apiServerCmd;
  private Process apiServer;
  private final Consumer<String> log;
  private int etcdPort;
  private int apiPort;
  private String moreControllers = "";
  private Path binaries;
  private KubernetesClient admin;

  private ControlPlane(Path dir, Consumer<String> log) {
    this.dir = dir;
    this.log = log;
  }

  /** The JVM's control plane, started on first use and stopped when the JVM exits. */
  public static synchronized ControlPlane shared(Consumer<String> log) {
    if (shared == null) {
      ControlPlane cp =
          new ControlPlane(
              Path.of("target", "controlplane", "run-" + ProcessHandle.current().pid()),
              line ->
                  log.accept(line.startsWith("controlplane:") ? line : "controlplane: " + line));
      // the Helm chart's Deployment runs as a pod on the real node (RealNodeIT)
      cp.moreControllers = ",deployment-controller,replicaset-controller";
      try {
        cp.start();
      } catch (Exception e) {
        cp.close();
        throw new IllegalStateException(
            "the test control plane did not start: "
                + e.getMessage()
                + " (logs in "
                + cp.dir.toAbsolutePath()
                + ")",
            e);
      }
      // only the processes: clients may be in use by other hooks until the JVM halts
      Runtime.getRuntime().addShutdownHook(new Thread(cp::stopProcesses, "controlplane-stop"));
      shared = cp;
    }
    return shared;
  }

  /**
   * A control plane of its own in {@code dir}, apart from the JVM's shared one, for a benchmark
   * that needs an empty cluster per measurement; the caller closes it.
   */
  public static ControlPlane startPrivate(Path dir, Consumer<String> log) throws Exception {
    return startPrivate(dir, log, "");
  }

  /**
   * The same, with more of the controller manager's controllers ({@code
   * ,deployment-controller,replicaset-controller} for a real node that runs a Deployment).
   */
  public static ControlPlane startPrivate(Path dir, Consumer<String> log, String moreControllers)
      throws Exception {
    ControlPlane cp = new ControlPlane(dir, log);
    cp.moreControllers = moreControllers;
    try {
      cp.start();
      return cp;
    } catch (Exception e) {
      cp.close();
      throw e;
    }
  }

  /**
   * The directory holding the four binaries, built by {@code controlplane/build.sh} first when they
   * are missing (a cold build takes 15-25 minutes and prints its progress; a Go error fails it).
   */
  public static Path binaries(Consumer<String> log) throws IOException, InterruptedException {
    return built("controlplane", "--print-dir", log);
  }

  /**
   * Runs {@code controlplane/build.sh <target>} (its output to {@code log}; a Go or apt error fails
   * it) and returns the directory {@code build.sh <printFlag>} names.
   */
  static Path built(String target, String printFlag, Consumer<String> log)
      throws IOException, InterruptedException {
    Path script = Path.of("controlplane", "build.sh").toAbsolutePath();
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException(script + " not found: run from the project's root directory");
    }
    Process p =
        new ProcessBuilder("bash", script.toString(), target).redirectErrorStream(true).start();
    try (var out = p.inputReader(StandardCharsets.UTF_8)) {
      out.lines().forEach(log);
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "controlplane/build.sh "
              + target
              + " failed (exit "
              + p.exitValue()
              + "); its output is above");
    }
    Process dirOf = new ProcessBuilder("bash", script.toString(), printFlag).start();
    String d = new String(dirOf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    dirOf.waitFor();
    return Path.of(d);
  }

  private void start() throws Exception {
    binaries = binaries(log);
    Files.createDirectories(dir);
    long t0 = System.nanoTime();
    etcdPort = freePort();
    int peerPort = freePort();
    start(
        "etcd",
        List.of(
            bin("etcd"),
            "--name=e2e",
            "--data-dir=" + dir.resolve("etcd"),
            "--listen-client-urls=http://127.0.0.1:" + etcdPort,
            "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
            "--listen-peer-urls=http://127.0.0.1:" + peerPort,
            "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
            "--initial-cluster=e2e=http://127.0.0.1:" + peerPort,
            "--unsafe-no-fsync=true",
            "--log-level=warn",
            "--quota-backend-bytes=4294967296"));
    waitFor("etcd", () -> get(URI.create("http://127.0.0.1:" + etcdPort + "/health"), null) == 200);

    Path pki = Files.createDirectories(dir.resolve("pki"));
    Path saKey = pki.resolve("sa.key");
    Files.writeString(saKey, rsaPrivateKeyPem());
    Path policy = pki.resolve("audit-policy.yaml");
    // every request of the operator's ServiceAccounts (namespace tidb-admin) is recorded: RbacIT
    // reads it
    Files.writeString(
        policy,
        """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: ["RequestReceived"]
        rules:
        - level: Metadata
          userGroups: ["system:serviceaccounts:tidb-admin"]
        - level: None
        """);
    Path tokens = pki.resolve("tokens.csv");
    Files.writeString(tokens, ADMIN_TOKEN + ",e2e-admin,e2e-admin-uid,\"system:masters\"\n");
    apiPort = freePort();
    apiServerCmd =
        List.of(
            bin("kube-apiserver"),
            "--etcd-servers=http://127.0.0.1:" + etcdPort,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            "--secure-port=" + apiPort,
            "--cert-dir=" + pki,
            "--token-auth-file=" + tokens,
            "--authorization-mode=RBAC",
            "--anonymous-auth=false",
            "--service-account-issuer=https://127.0.0.1:" + apiPort + "/",
            "--service-account-key-file=" + saKey,
            "--service-account-signing-key-file=" + saKey,
            "--service-cluster-ip-range=10.0.0.0/24",
            "--allow-privileged=true",
            // a node's InternalIP first: the real node's name resolves nowhere
            "--kubelet-preferred-address-types=InternalIP,Hostname",
            // a namespace's annotations place its pods: the simulated kubelet's namespaces on its
            // tainted node (LocalCluster.simulatedNamespace), every other pod on the real node
            "--enable-admission-plugins=PodNodeSelector,PodTolerationRestriction",
            // ServiceAccount admission stays on (unlike envtest): a pod whose ServiceAccount does
            // not exist is refused, as on any real cluster (its token volume is ignored by the
            // local kubelet)
            "--audit-policy-file=" + policy,
            "--audit-log-path=" + auditLog(),
            "--audit-log-format=json",
            "--audit-log-mode=blocking",
            "--event-ttl=1h",
            "--v=0");
    start("kube-apiserver", apiServerCmd);
    waitFor("kube-apiserver", () -> get(URI.create(url() + "/readyz"), ADMIN_TOKEN) == 200);

    Path kubeconfig = writeKubeconfig(dir.resolve("admin.kubeconfig"), ADMIN_TOKEN, "default");
    start(
        "kube-controller-manager",
        List.of(
            bin("kube-controller-manager"),
            "--kubeconfig=" + kubeconfig,
            "--authentication-kubeconfig=" + kubeconfig,
            "--authorization-kubeconfig=" + kubeconfig,
            // no node-lifecycle or pod GC: they would evict the local kubelet's pods (the scheduler
            // runs with the real node, RealNode)
            // root-ca-cert-publisher: the kube-root-ca.crt ConfigMap a pod's token volume needs
            "--controllers=job-controller,garbage-collector-controller,namespace-controller,"
                + "serviceaccount-controller,ttl-after-finished-controller,root-ca-cert-publisher"
                + moreControllers,
            "--root-ca-file=" + pki.resolve("apiserver.crt"),
            "--leader-elect=false",
            "--bind-address=127.0.0.1",
            "--secure-port=" + freePort(),
            "--concurrent-job-syncs=10",
            "--concurrent-gc-syncs=10",
            "--v=0"));
    admin = client(ADMIN_TOKEN);
    // the controller manager is up once its service-account controller has made a namespace's
    // default account
    waitFor(
        "kube-controller-manager",
        () -> admin.serviceAccounts().inNamespace("default").withName("default").get() != null);
    log.accept(
        "etcd, kube-apiserver and kube-controller-manager up at "
            + url()
            + " in "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
            + " ms (logs in "
            + dir.toAbsolutePath()
            + ")");
  }

  /**
   * The API server's audit log: one JSON event per request of a ServiceAccount of namespace
   * tidb-admin.
   */
  public Path auditLog() {
    return dir.resolve("audit.log").toAbsolutePath();
  }

  /**
   * The control plane's etcd ({@code host:port}), which also stands in for PD's embedded etcd in
   * the tests of a log backup's checkpoint (BR's keys live under {@code /tidb/}, the API server's
   * under {@code /registry/}).
   */
  public String etcdEndpoint() {
    return "127.0.0.1:" + etcdPort;
  }

  public String url() {
    return "https://127.0.0.1:" + apiPort;
  }

  /** A client with the admin token (system:masters): the tests' own view of the cluster. */
  public KubernetesClient admin() {
    return admin;
  }

  /** A new client authenticating with {@code token}. */
  public KubernetesClient client(String token) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url())
            .withOauthToken(token)
            .withTrustCerts(true)
            .withDisableHostnameVerification(true)
            .withNamespace("default")
            .withRequestTimeout(30_000)
            .withConnectionTimeout(10_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * A token of ServiceAccount {@code namespace/name} from the TokenRequest API (valid for a day).
   */
  public String serviceAccountToken(String namespace, String name) {
    var request =
        new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(86_400L)
            .endSpec()
            .build();
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  /** A kubeconfig for kubectl with {@code token}, {@code namespace} as the context's default. */
  public Path writeKubeconfig(Path file, String token, String namespace) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: e2e
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: e2e
          user:
            token: %s
        contexts:
        - name: e2e
          context:
            cluster: e2e
            user: e2e
            namespace: %s
        current-context: e2e
        """
            .formatted(url(), token, namespace));
    return file;
  }

  /**
   * kubectl's discovery cache for this control plane (not the user's ~/.kube): dropped by {@link
   * #forgetDiscovery} when a test removes an API group, so that a short name such as {@code bk}
   * resolves against the groups that are there.
   */
  private Path kubectlCache() {
    return dir.resolve("kubectl-cache");
  }

  /** Drops kubectl's cached discovery (after CRDs were installed or removed). */
  public void forgetDiscovery() throws IOException {
    Path cache = kubectlCache();
    if (Files.exists(cache)) {
      try (var walk = Files.walk(cache)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Runs the built kubectl with {@code kubeconfig}; returns its exit code and combined output. */
  public KubectlResult kubectl(Path kubeconfig, String... args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(bin("kubectl"), "--kubeconfig=" + kubeconfig, "--cache-dir=" + kubectlCache()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "kubectl " + String.join(" ", args) + " did not finish in 2 minutes");
    }
    return new KubectlResult(p.exitValue(), out);
  }

  public record KubectlResult(int exitCode, String output) {}

  public Path kubectlBinary() {
    return Path.of(bin("kubectl"));
  }

  private String bin(String name) {
    return binaries.resolve(name).toString();
  }

  /**
   * Starts {@code cmd} under a small shell watchdog that stops it when this JVM is gone, however it
   * went (a shutdown hook does not run on SIGKILL), so that no etcd or apiserver outlives its test
   * run.
   */
  private void start(String name, List<String> cmd) throws IOException {
    Process p = watched(dir.resolve(name + ".log"), name, cmd, Map.of(), null);
    processes.add(p);
    if (name.equals("kube-apiserver")) {
      apiServer = p;
    }
  }

  /**
   * {@code cmd} under a shell watchdog: when this JVM is gone (even after SIGKILL) or the watchdog
   * is told to stop, the command gets SIGTERM, then SIGKILL after 5 s, and {@code cleanup} (if any)
   * runs after it. Output goes to {@code logFile}.
   */
  static Process watched(
      Path logFile, String name, List<String> cmd, Map<String, String> env, List<String> cleanup)
      throws IOException {
    String after =
        cleanup == null
            ? ""
            : String.join(" ", cleanup.stream().map(ControlPlane::shellQuote).toList())
                + " >/dev/null 2>&1; ";
    List<String> watchedCmd =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "\"$@\" & child=$!; "
                    + "stop() { kill $child 2>/dev/null; for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 $child 2>/dev/null || break; "
                    + "sleep 0.5; done; kill -9 $child 2>/dev/null; "
                    + after
                    + "exit 0; }; trap stop TERM INT; "
                    + "while kill -0 "
                    + ProcessHandle.current().pid()
                    + " 2>/dev/null && kill -0 $child 2>/dev/null; do "
                    + "sleep 1; done; stop",
                name));
    watchedCmd.addAll(cmd);
    ProcessBuilder pb =
        new ProcessBuilder(watchedCmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Stops a {@link #watched} process and waits for its cleanup. */
  static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops the API server (an outage: etcd, the controller manager and every client stay); {@link
   * #startApiServer()} brings it back on the same port with the same certificates and tokens.
   */
  public synchronized void stopApiServer() throws InterruptedException {
    apiServer.destroy();
    if (!apiServer.waitFor(30, TimeUnit.SECONDS)) {
      apiServer.destroyForcibly();
      apiServer.waitFor(10, TimeUnit.SECONDS);
    }
    processes.remove(apiServer);
  }

  public synchronized void startApiServer() throws Exception {
    start("kube-apiserver", apiServerCmd);
    waitFor("kube-apiserver", () -> get(URI.create(url() + "/readyz"), ADMIN_TOKEN) == 200);
  }

  private void waitFor(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              what
                  + ": a control-plane process exited with "
                  + p.exitValue()
                  + "; see the logs in "
                  + dir.toAbsolutePath());
        }
      }
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        what + " not ready in 120 s" + (last == null ? "" : ": " + last), last);
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static final HttpClient HTTP = insecureHttp();

  private static int get(URI uri, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static HttpClient insecureHttp() {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] c, String a) {}

              @Override
              public void checkServerTrusted(X509Certificate[] c, String a) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      var params = new javax.net.ssl.SSLParameters();
      params.setEndpointIdentificationAlgorithm(null);
      return HttpClient.newBuilder()
          .sslContext(ssl)
          .sslParameters(params)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String rsaPrivateKeyPem() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(g.generateKeyPair().getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    stopProcesses();
  }

  private synchronized void stopProcesses() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }
}
