package io.tidbbackup.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidbbackup.api.Serde;
import io.tidbbackup.deploy.HelmChart;
import io.tidbbackup.operator.app.OperatorFactory;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A local cluster for the end-to-end tests and the sandbox, set up once per JVM: the real control
 * plane, our CRDs applied to it, the Helm chart's RBAC (ServiceAccount, ClusterRole, binding)
 * applied to it, an s3proxy S3 server, and two nodes. Pods run as containers on a real node ({@link
 * RealNode}: kubelet, containerd, runc; this project's image and stand-in tool images from {@link
 * NodeImages}); the pods of a {@link #simulatedNamespace} run on the simulated kubelet ({@link
 * LocalKubelet}, with {@link AgentRuntime}) for the faults a real kubelet cannot produce on demand.
 * The operator itself runs in this JVM ({@link #startOperator}) with a ServiceAccount token of the
 * chart's account, so it has exactly the chart's permissions: a missing grant fails the run, as it
 * would in a cluster.
 */
public final class LocalCluster {
  public static final String ACCESS_KEY = "e2e-access";
  public static final String SECRET_KEY = "e2e-secret-key-never-logged";
  public static final String OPERATOR_NAMESPACE = HelmChart.NAMESPACE;

  /** The Job settings of the tests: this project's image as the node has it, never pulled. */
  public static final JobSettings JOBS = new JobSettings(NodeImages.AGENT, "IfNotPresent");

  /** The tool versions the tests' Jobs name; the node has a stand-in image of each. */
  static final List<String> TOOL_VERSIONS =
      List.of(OperatorSettings.DEFAULT_TIKV_VERSION, "v8.5.5", "v8.1.2", "nightly");

  private static LocalCluster shared;
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  public final ControlPlane controlPlane;
  public final KubernetesClient admin;
  public final RealNode node;
  public final S3Proxy s3proxy;
  public final AgentRuntime runtime;
  public final LocalKubelet kubelet;
  private final String operatorServiceAccount;

  private LocalCluster(
      ControlPlane cp,
      RealNode node,
      S3Proxy s3proxy,
      String operatorServiceAccount,
      int objects,
      Consumer<String> log) {
    this.controlPlane = cp;
    this.admin = cp.admin();
    this.node = node;
    this.s3proxy = s3proxy;
    this.operatorServiceAccount = operatorServiceAccount;
    this.runtime = new AgentRuntime(objects, log);
    this.kubelet = new LocalKubelet(cp.client(ControlPlane.ADMIN_TOKEN), runtime, log).start();
  }

  static void log(String line) {
    System.out.println(java.time.LocalTime.now() + " " + line);
  }

  /** The tests' cluster: backups write 200 objects, the nodes log to stdout. */
  public static LocalCluster get() throws Exception {
    return get(200, LocalCluster::log);
  }

  /**
   * The JVM's cluster, started on first use; {@code objects} is how many objects a simulated backup
   * writes (the stand-in br writes {@code STANDIN_OBJECTS} of its Job's env, default 200).
   */
  public static synchronized LocalCluster get(int objects, Consumer<String> log) throws Exception {
    if (shared == null) {
      ControlPlane cp = ControlPlane.shared(log);
      // pingcap.com's: with br.pingcap.com's too, kubectl's bk would mean those (V2ApiIT adds them)
      installCrds(cp.admin(), Path.of("crds"), f -> !f.endsWith(".br.pingcap.com.yaml"));
      String sa = installChartRbac(cp.admin());
      RealNode node =
          RealNode.start(
              cp,
              Path.of("target", "realnode", "run-" + ProcessHandle.current().pid()),
              NodeImages.build(TOOL_VERSIONS, log),
              log);
      Runtime.getRuntime().addShutdownHook(new Thread(node::close, "realnode-stop"));
      shared = new LocalCluster(cp, node, s3proxy(node.hostAddress()), sa, objects, log);
    }
    shared.runtime.objectsPerBackup(objects);
    return shared;
  }

  /**
   * An s3proxy server where the pods reach it (the host's end of the node's veth, never beyond the
   * machine), and this JVM too.
   */
  static S3Proxy s3proxy(String host) throws Exception {
    Properties props = new Properties();
    props.setProperty("jclouds.identity", ACCESS_KEY);
    props.setProperty("jclouds.credential", SECRET_KEY);
    S3Proxy s3 =
        S3Proxy.builder()
            .blobStore(BlobStores.create("transient", props))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://" + host + ":0"))
            .build();
    s3.start();
    while (!s3.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    return s3;
  }

  /** Applies every CRD in {@code dir} (server-side) and waits until each is Established. */
  public static void installCrds(KubernetesClient client, Path dir) throws IOException {
    installCrds(client, dir, f -> true);
  }

  /** The CRDs of {@code dir} whose file names {@code which} accepts. */
  public static void installCrds(
      KubernetesClient client, Path dir, java.util.function.Predicate<String> which)
      throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> which.test(f.getFileName().toString())).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).forceConflicts().serverSideApply();
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(crd.getMetadata().getName())
              .waitUntilCondition(LocalCluster::established, 60, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static boolean established(CustomResourceDefinition c) {
    return c != null
        && c.getStatus() != null
        && c.getStatus().getConditions() != null
        && c.getStatus().getConditions().stream()
            .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True"));
  }

  /**
   * The chart rendered by real Helm; its ServiceAccount, ClusterRoles and ClusterRoleBindings
   * applied. Returns the operator's ServiceAccount name.
   */
  public static String installChartRbac(KubernetesClient admin) throws IOException {
    // both groups' rules: an operator of the tests may serve br.pingcap.com (V2ApiIT)
    return installChartRbac(
        admin,
        HelmChart.render(Map.of("apiGroups[0]", "pingcap.com", "apiGroups[1]", "br.pingcap.com")));
  }

  /**
   * The RBAC objects among {@code docs} (a rendered chart) applied; returns the operator's
   * ServiceAccount.
   */
  public static String installChartRbac(KubernetesClient admin, List<JsonNode> docs) {
    admin
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(OPERATOR_NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    String sa = null;
    for (JsonNode d : docs) {
      String kind = d.path("kind").asText();
      if (kind.equals("Deployment")) {
        sa = d.path("spec").path("template").path("spec").path("serviceAccountName").asText();
      }
      if (Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
              .contains(kind)
          && (!d.path("metadata").has("namespace")
              || d.path("metadata").path("namespace").asText().equals(OPERATOR_NAMESPACE))) {
        HasMetadata obj = Serialization.unmarshal(Serde.json(d), HasMetadata.class);
        admin.resource(obj).forceConflicts().serverSideApply();
      }
    }
    if (sa == null || sa.isEmpty()) {
      throw new IllegalStateException("the chart's Deployment names no serviceAccountName");
    }
    return sa;
  }

  /**
   * The chart's Secret reads ({@code rbac.readSecrets}: a ClusterRole of their own) for the
   * operator of {@link #installChartRbac(KubernetesClient)}.
   */
  public void grantSecretReads() throws IOException {
    installChartRbac(
        admin,
        HelmChart.render(
            Map.of(
                "rbac.readSecrets",
                true,
                "apiGroups[0]",
                "pingcap.com",
                "apiGroups[1]",
                "br.pingcap.com")));
  }

  /**
   * A fresh namespace {@code <prefix>-<n>} with the S3 credentials Secret {@code s3-secret} and the
   * Job ServiceAccount {@code tidb-backup-manager} (the chart's jobServiceAccount for a watched
   * namespace; without it the API server refuses every Job pod).
   */
  public String namespace(String prefix) {
    return namespace(prefix, Map.of());
  }

  /**
   * The same, its pods placed on the simulated kubelet ({@link LocalKubelet}): a node selector and
   * a toleration of its taint added to each by the API server's PodNodeSelector and
   * PodTolerationRestriction admission. For the tests that inject a fault or script a tool's
   * output, which a real kubelet cannot do on demand; each caller says which.
   */
  public String simulatedNamespace(String prefix) {
    return namespace(
        prefix,
        Map.of(
            "scheduler.alpha.kubernetes.io/node-selector",
            LocalKubelet.NODE_LABEL + "=" + LocalKubelet.NODE_LABEL_VALUE,
            "scheduler.alpha.kubernetes.io/defaultTolerations",
            "[{\"key\": \""
                + LocalKubelet.NODE_LABEL
                + "\", \"operator\": \"Exists\", \"effect\": \"NoSchedule\"}]"));
  }

  private String namespace(String prefix, Map<String, String> annotations) {
    String ns = prefix + "-" + NAMESPACES.incrementAndGet();
    admin
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .withAnnotations(annotations)
                .endMetadata()
                .build())
        .create();
    admin
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-secret")
                .withNamespace(ns)
                .endMetadata()
                .withData(Map.of("access_key", b64(ACCESS_KEY), "secret_key", b64(SECRET_KEY)))
                .build())
        .create();
    jobServiceAccount(admin, ns);
    return ns;
  }

  /** The Job ServiceAccount in {@code namespace}, as the chart's jobServiceAccount creates it. */
  public static void jobServiceAccount(KubernetesClient admin, String namespace) {
    admin
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata()
                .withName(io.tidbbackup.api.ApiConstants.DEFAULT_SERVICE_ACCOUNT)
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .serverSideApply();
  }

  /** A client that authenticates as the chart's operator ServiceAccount. */
  public KubernetesClient operatorClient() {
    return operatorClient(operatorServiceAccount);
  }

  /** A client that authenticates as ServiceAccount {@code name} of the operator's namespace. */
  public KubernetesClient operatorClient(String serviceAccount) {
    return controlPlane.client(
        controlPlane.serviceAccountToken(OPERATOR_NAMESPACE, serviceAccount));
  }

  /**
   * The operator, started in this JVM with the chart's permissions, watching {@code namespaces}.
   */
  public RunningOperator startOperator(Set<String> namespaces) {
    return startOperator(namespaces, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * The same, recording its metrics in {@code registry}; an empty {@code namespaces} watches all.
   */
  public RunningOperator startOperator(Set<String> namespaces, PrometheusMeterRegistry registry) {
    return startOperator(namespaces, registry, JOBS);
  }

  /** The same, with these Job settings (a short pod start deadline). */
  public RunningOperator startOperator(
      Set<String> namespaces, PrometheusMeterRegistry registry, JobSettings jobs) {
    return startOperator(settings(namespaces, jobs), registry);
  }

  /** The operator's settings of the tests: these namespaces and Job settings, v1 only. */
  public static OperatorSettings settings(Set<String> namespaces, JobSettings jobs) {
    return new OperatorSettings(
        namespaces,
        jobs,
        OperatorSettings.DEFAULT_TIKV_VERSION,
        true,
        CleanJobPolicy.defaults(),
        null,
        io.tidbbackup.operator.settings.ReconcileIntervals.defaults(),
        null,
        null,
        OperatorSettings.V1_ONLY,
        true);
  }

  /** The operator with these settings. */
  public RunningOperator startOperator(
      OperatorSettings settings, PrometheusMeterRegistry registry) {
    KubernetesClient client = operatorClient();
    Operator operator = OperatorFactory.create(client, settings, Clock.systemUTC(), registry);
    operator.start();
    return new RunningOperator(operator, client, registry);
  }

  /** An operator of a test; {@link #close()} stops it. */
  public record RunningOperator(
      Operator operator, KubernetesClient client, PrometheusMeterRegistry registry)
      implements AutoCloseable {
    @Override
    public void close() {
      operator.stop();
      client.close();
    }
  }

  /** The S3 server, as the pods and this JVM reach it. */
  public String s3Endpoint() {
    return "http://" + node.hostAddress() + ":" + s3proxy.getPort();
  }

  public S3Client s3() {
    return S3Client.builder()
        .endpointOverride(URI.create(s3Endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /** An admin kubeconfig for kubectl with {@code namespace} as default. */
  public Path kubeconfig(String namespace) throws IOException {
    return kubeconfig(Path.of("target", "e2e", namespace + ".kubeconfig"), namespace);
  }

  public Path kubeconfig(Path file, String namespace) throws IOException {
    return controlPlane.writeKubeconfig(file, ControlPlane.ADMIN_TOKEN, namespace);
  }

  public static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
