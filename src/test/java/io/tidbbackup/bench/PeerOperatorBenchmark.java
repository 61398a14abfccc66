package io.tidbbackup.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Serde;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our operator against TiDB Operator's own {@code tidb-controller-manager} (release-1.6), each on a
 * fresh control plane of its own (etcd, kube-apiserver, kube-controller-manager), with the same N
 * Backups: the time from the first Backup created until every Backup has its Job (and until every
 * Backup also says Scheduled), the API server's requests by verb, peak RSS and ready time. Runs
 * only with {@code -Dbench.peer.bin=<dir holding tidb-controller-manager>} (built by
 * controlplane/peer/build-tidb-operator.sh; nothing in the build needs it).
 *
 * <p>What each side is given: our operator our four v1 CRDs, TiDB Operator all ten of its own
 * {@code pingcap.com} CRDs, read from its source at run time ({@code git show
 * release-1.6:manifests/crd/v1/…} in {@code -Dbench.peer.source}, a clone or bare mirror), and both
 * the same namespace objects: TidbCluster {@code basic} (its CRD is TiDB Operator's in both runs),
 * the S3 Secret the Backups name, the Jobs' ServiceAccounts. TiDB Operator creates a Job only for a
 * Backup whose TidbCluster has condition Ready=True; {@code basic} has no components (no PD, TiKV
 * or TiDB to wait for), so its own TidbCluster controller finds it Ready
 * (tidb_cluster_condition_updater.go: every check passes, status True "Ready"), and the bench
 * creates it with that condition already so the first Backups need not wait for its first sync. Its
 * TiKV image is then empty, which its Backup validation reads as "no GC lifetime to set" (no {@code
 * spec.from} needed), so the Backups are valid for both. Its Jobs' pods never run (no node in this
 * control plane): the measure is Jobs created.
 *
 * <p>Run: {@code mvn -Pbench -DskipTests verify -Dbench.skip.cleaner=true
 * -Dbench.skip.scaleclean=true -Dbench.skip.scale=true -Dbench.peer.bin=/work/peer-bin}.
 */
public final class PeerOperatorBenchmark {
  static final String BIN = System.getProperty("bench.peer.bin", "");
  static final String SOURCE =
      System.getProperty("bench.peer.source", "/work/.mirror/pingcap+tidb-operator/repo");
  static final String REF = System.getProperty("bench.peer.ref", "release-1.6");

  /**
   * tidb-controller-manager's flags. Its chart runs 5 workers and client-go's default 5 requests
   * per second (burst 10) per client; 10,000 Backups would take hours at that rate, so by default
   * it runs with our operator's concurrency (50 reconciles at once) and no client-side limit, as
   * ours runs. {@code -Dbench.peer.flags=""} runs its defaults.
   */
  static final String FLAGS =
      System.getProperty(
          "bench.peer.flags", "--workers=50 --kube-client-qps=10000 --kube-client-burst=10000");

  /** Its log line once it leads and its informers' caches are filled (cmd/controller-manager). */
  static final String READY_LINE = "cache of informer factories sync successfully";

  static final List<String> THEIR_CRDS =
      List.of(
          "pingcap.com_backups.yaml",
          "pingcap.com_backupschedules.yaml",
          "pingcap.com_compactbackups.yaml",
          "pingcap.com_dmclusters.yaml",
          "pingcap.com_restores.yaml",
          "pingcap.com_tidbclusters.yaml",
          "pingcap.com_tidbdashboards.yaml",
          "pingcap.com_tidbinitializers.yaml",
          "pingcap.com_tidbmonitors.yaml",
          "pingcap.com_tidbngmonitorings.yaml");

  public static void main(String[] args) throws Exception {
    if (BIN.isEmpty()) {
      System.out.println("peer operator bench skipped: no -Dbench.peer.bin=<dir>");
      return;
    }
    io.tidbbackup.sandbox.Sandbox.quietLogs();
    Path bin = Path.of(BIN, "tidb-controller-manager");
    Path jar = Path.of("target", "tidb-backup-operator.jar");
    if (!Files.isExecutable(bin) || !Files.exists(jar)) {
      throw new IllegalStateException(bin + " or " + jar + " is missing");
    }
    int rounds = Integer.getInteger("bench.peer.rounds", 1);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String size : System.getProperty("bench.peer.backups", "1000,10000").split(",")) {
      int n = Integer.parseInt(size.trim());
      for (int round = 0; round < rounds; round++) {
        // alternating which goes first: what the machine does meanwhile falls on both
        OperatorScaleBenchmark.Operator ours = null;
        OperatorScaleBenchmark.Operator theirs = null;
        for (int turn = 0; turn < 2; turn++) {
          // -Dbench.peer.theirsFirst=true: theirs opens the first round (a second run's order)
          if ((turn + round + (Boolean.getBoolean("bench.peer.theirsFirst") ? 1 : 0)) % 2 == 0) {
            ours = OperatorScaleBenchmark.operator(n, jar, PeerOperatorBenchmark::forOurs);
          } else {
            theirs = theirs(n, bin);
          }
        }
        rows.add(row(n, round, ours, theirs));
        print(rows.get(rows.size() - 1));
      }
    }
    summary(rows);
  }

  /** Our CRDs, TiDB Operator's TidbCluster CRD, and the namespace's objects. */
  static void forOurs(KubernetesClient c) {
    OperatorScaleBenchmark.Api.OUR_CRDS.accept(c);
    install(c, List.of("pingcap.com_tidbclusters.yaml"));
    namespaceObjects(c);
  }

  /** TiDB Operator's ten CRDs and the namespace's objects. */
  static void forTheirs(KubernetesClient c) {
    install(c, THEIR_CRDS);
    namespaceObjects(c);
  }

  static void install(KubernetesClient c, List<String> files) {
    for (String f : files) {
      byte[] yaml = git("show", REF + ":manifests/crd/v1/" + f);
      CustomResourceDefinition crd =
          c.apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(new ByteArrayInputStream(yaml))
              .item();
      c.resource(crd).forceConflicts().serverSideApply();
      c.apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              x ->
                  x != null
                      && x.getStatus() != null
                      && x.getStatus().getConditions() != null
                      && x.getStatus().getConditions().stream()
                          .anyMatch(
                              k ->
                                  k.getType().equals("Established")
                                      && k.getStatus().equals("True")),
              60,
              TimeUnit.SECONDS);
    }
  }

  /**
   * TidbCluster {@code basic} (no components, condition Ready=True), Secret {@code s3-secret} with
   * the keys TiDB Operator checks, the ServiceAccount {@code default} its Jobs run as (ours runs as
   * tidb-backup-manager, which {@link OperatorScaleBenchmark.Api} creates).
   */
  static void namespaceObjects(KubernetesClient c) {
    String ns = OperatorScaleBenchmark.NS;
    c.genericKubernetesResources(
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                .withGroup("pingcap.com")
                .withVersion("v1alpha1")
                .withKind("TidbCluster")
                .withPlural("tidbclusters")
                .withNamespaced(true)
                .build())
        .inNamespace(ns)
        .resource(
            OperatorScaleBenchmark.read(
                """
                apiVersion: pingcap.com/v1alpha1
                kind: TidbCluster
                metadata: {name: basic, namespace: %s}
                spec: {}
                status:
                  conditions:
                  - {type: Ready, status: "True", reason: Ready, message: no components,
                     lastTransitionTime: "2026-01-01T00:00:00Z", lastUpdateTime: "2026-01-01T00:00:00Z"}
                """
                    .formatted(ns),
                GenericKubernetesResource.class))
        .create();
    c.resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("s3-secret")
                .withNamespace(ns)
                .endMetadata()
                .addToStringData("access_key", "bench")
                .addToStringData("secret_key", "bench-secret")
                .build())
        .create();
  }

  /** TiDB Operator's controller-manager on a fresh control plane, as ours is run. */
  static OperatorScaleBenchmark.Operator theirs(int n, Path bin) throws Exception {
    try (ServerSocket probe = new ServerSocket()) {
      // it always serves :6060 (pprof and /metrics); another process there would fail it
      probe.bind(new InetSocketAddress(6060));
    }
    try (OperatorScaleBenchmark.Api api =
            OperatorScaleBenchmark.Api.start("peer-" + n, PeerOperatorBenchmark::forTheirs);
        ScaleProgress progress = ScaleProgress.watch(api.client(), n)) {
      KubernetesClient c = api.client();
      Path kubeconfig =
          api.writeKubeconfig(Files.createTempDirectory("peer-bench").resolve("kubeconfig"));
      List<String> cmd = new ArrayList<>(List.of(bin.toString()));
      for (String f : FLAGS.split(" ")) {
        if (!f.isBlank()) {
          cmd.add(f);
        }
      }
      Path log = Path.of("target", "peer-bench-tidb-controller-manager-" + n + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("NAMESPACE", OperatorScaleBenchmark.NS);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      long t0 = System.nanoTime();
      Process p = pb.start();
      try {
        while (!Files.readString(log).contains(READY_LINE)) {
          if (!p.isAlive()) {
            throw new IllegalStateException("tidb-controller-manager exited; see " + log);
          }
          Thread.sleep(20);
        }
        double ready = (System.nanoTime() - t0) / 1e9;
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(OperatorScaleBenchmark.THREADS);
        long t = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String name = "b" + i;
          fs.add(pool.submit(() -> OperatorScaleBenchmark.createBackup(c, name)));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        pool.shutdown();
        double peakHeap = 0;
        long lastRead = 0;
        while (!progress.done()) {
          if (!p.isAlive()) {
            throw new IllegalStateException("tidb-controller-manager exited; see " + log);
          }
          if (System.nanoTime() - lastRead > 5_000_000_000L) {
            peakHeap = Math.max(peakHeap, goHeapMiB(http));
            lastRead = System.nanoTime();
            System.out.printf(
                Locale.ROOT,
                "  %6.1f s: %d Jobs, %d Scheduled (TiDB Operator)%n",
                (lastRead - t) / 1e9,
                progress.jobs(),
                progress.scheduled());
          }
          Thread.sleep(20);
        }
        peakHeap = Math.max(peakHeap, goHeapMiB(http));
        return new OperatorScaleBenchmark.Operator(
            ready,
            (progress.doneAt() - t) / 1e9,
            (progress.jobsDoneAt() - t) / 1e9,
            OperatorScaleBenchmark.peakRssMiB(p.pid()),
            peakHeap,
            OperatorScaleBenchmark.cpuSeconds(p.pid()),
            OperatorScaleBenchmark.requests(c),
            Map.of());
      } finally {
        p.destroy();
        p.waitFor();
      }
    }
  }

  private static final Pattern GO_HEAP =
      Pattern.compile("^go_memstats_heap_inuse_bytes ([0-9.eE+]+)$", Pattern.MULTILINE);

  /** The Go heap in use (its /metrics on :6060), the counterpart of our peak heap used. */
  static double goHeapMiB(HttpClient http) {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:6060/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = GO_HEAP.matcher(body);
      return m.find() ? Double.parseDouble(m.group(1)) / (1024 * 1024) : 0;
    } catch (IOException | InterruptedException e) {
      return 0;
    }
  }

  static byte[] git(String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", SOURCE));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd) + ": " + new String(p.getErrorStream().readAllBytes()));
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The requests an operator's reconciles send, by the API server's count (verb resource). */
  static final List<String> OPERATOR_REQUESTS =
      List.of(
          "POST jobs",
          "PUT backups",
          "PUT backups/status",
          "PATCH backups",
          "PATCH backups/status",
          "APPLY backups",
          "GET backups",
          "POST events",
          "PATCH events",
          "GET tidbclusters",
          "LIST pods",
          "GET secrets",
          "GET jobs");

  static Map<String, Object> row(
      int n,
      int round,
      OperatorScaleBenchmark.Operator ours,
      OperatorScaleBenchmark.Operator theirs) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("n", n);
    row.put("round", round + 1);
    row.put("ours", side(ours));
    row.put("theirs", side(theirs));
    // > 1: ours has every Job sooner (the cleaner's "ours vs TiDB Operator" reads the same way)
    row.put(
        "speed_vs_tidb_operator",
        CleanerBenchmark.round(theirs.jobsSeconds() / ours.jobsSeconds()));
    // < 1: ours peaks lower
    row.put(
        "rss_ours_over_theirs", CleanerBenchmark.round(ours.peakRssMiB() / theirs.peakRssMiB()));
    return row;
  }

  static Map<String, Object> side(OperatorScaleBenchmark.Operator o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jobs_s", CleanerBenchmark.round(o.jobsSeconds()));
    m.put("jobs_and_scheduled_s", CleanerBenchmark.round(o.seconds()));
    m.put("ready_s", CleanerBenchmark.round(o.readySeconds()));
    m.put("rss_mib", Math.round(o.peakRssMiB()));
    m.put("heap_mib", Math.round(o.peakHeapMiB()));
    m.put("cpu_s", CleanerBenchmark.round(o.cpuSeconds()));
    Map<String, Long> requests = new LinkedHashMap<>();
    for (String r : OPERATOR_REQUESTS) {
      requests.put(r, o.requests().getOrDefault(r, 0L));
    }
    m.put("requests", requests);
    m.put("all_requests", o.requests());
    return m;
  }

  @SuppressWarnings("unchecked")
  static void print(Map<String, Object> row) {
    Map<String, Object> ours = (Map<String, Object>) row.get("ours");
    Map<String, Object> theirs = (Map<String, Object>) row.get("theirs");
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "ours vs TiDB Operator's tidb-controller-manager (%s): %s Backups, round %s%n",
        FLAGS.isBlank() ? "its defaults" : FLAGS,
        row.get("n"),
        row.get("round"));
    System.out.printf(
        Locale.ROOT, "  %-34s %12s %12s %14s%n", "", "ours", "theirs", "ours / theirs");
    for (String k :
        List.of("jobs_s", "jobs_and_scheduled_s", "ready_s", "rss_mib", "heap_mib", "cpu_s")) {
      double a = ((Number) ours.get(k)).doubleValue();
      double b = ((Number) theirs.get(k)).doubleValue();
      System.out.printf(
          Locale.ROOT, "  %-34s %12s %12s %14.2f%n", k, ours.get(k), theirs.get(k), a / b);
    }
    Map<String, Long> ro = (Map<String, Long>) ours.get("requests");
    Map<String, Long> rt = (Map<String, Long>) theirs.get("requests");
    for (String r : OPERATOR_REQUESTS) {
      if (ro.get(r) != 0 || rt.get(r) != 0) {
        System.out.printf(Locale.ROOT, "  %-34s %12d %12d%n", r, ro.get(r), rt.get(r));
      }
    }
    System.out.println(
        "  (requests: the API server's count from all clients, the bench's own creates and the"
            + " controller manager's included, the same on both sides)");
  }

  /** {@code operator.vs_tidb_operator} in target/bench-summary.json, merged with what is there. */
  @SuppressWarnings("unchecked")
  static void summary(List<Map<String, Object>> rows) throws Exception {
    Path out = Path.of("target", "bench-summary.json");
    Map<String, Object> all = new LinkedHashMap<>();
    if (Files.exists(out)) {
      all.putAll(
          Serde.JSON.readValue(
              out.toFile(),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
    }
    Map<String, Object> operator =
        new LinkedHashMap<>(
            all.get("operator") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    Map<String, Object> vs = new LinkedHashMap<>();
    vs.put("peer", "tidb-controller-manager " + REF + " " + FLAGS);
    vs.put("runs", rows);
    operator.put("vs_tidb_operator", vs);
    all.put("operator", operator);
    Files.writeString(out, Serde.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    System.out.println("wrote " + out + " (operator.vs_tidb_operator)");
  }
}
