package io.tidbbackup.bench;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.backup.BackupStatuses;
import io.tidbbackup.operator.job.BackupJobBuilder;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.JobSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator scale benchmark, apart from the tests. Against a real kube-apiserver (a fresh etcd,
 * kube-apiserver and kube-controller-manager from {@code controlplane/build.sh} for every
 * measurement, {@code -Dbench.api=real}, the default) or fabric8's mock ({@code -Dbench.api=mock}),
 * in one run:
 *
 * <ol>
 *   <li>the floor: a bare fabric8 client makes the API writes that 1,000 Backups need (create the
 *       Backup, create its Job, write status Scheduled, record the Event) on as many threads as the
 *       operator reconciles with;
 *   <li>the operator, started as its own process from the production jar: time to ready, then the
 *       time from the first of 1,000 Backups created until all 1,000 Jobs exist and every status
 *       says Scheduled, its peak heap (from its /metrics) and peak RSS (VmHWM).
 * </ol>
 *
 * Run: {@code mvn -Pbench -DskipTests verify -Dbench.skip.cleaner=true [-Dbench.backups=1000]}.
 */
public final class OperatorScaleBenchmark {
  static final String NS = "tidb";
  static final int THREADS = 50;

  /** {@code real}: a control plane per measurement; {@code mock}: fabric8's mock API server. */
  static final String API = System.getProperty("bench.api", "real");

  /**
   * The operator container's JAVA_TOOL_OPTIONS as the chart sets them (values.yaml's {@code
   * jvmOptions}, read at run time so that the two cannot drift) under the chart's default memory
   * limit of 512 MiB ({@code -XX:MaxRAM=512m}: MaxRAMPercentage and the initial heap resolve as in
   * the container). Override with -Dbench.jvm="…"; -Dbench.jvm.extra="…" adds to them (e.g. {@code
   * -XX:NativeMemoryTracking=detail}: what each resident MiB is, {@link JvmMemory}).
   */
  static final String JVM_OPTIONS =
      (System.getProperty("bench.jvm", "-XX:MaxRAM=512m " + chartValue("jvmOptions"))
              + " "
              + System.getProperty("bench.jvm.extra", ""))
          .trim();

  static final String IMAGE_ARCHIVE = "-XX:SharedArchiveFile=";

  /** The operator container's environment from the chart: MALLOC_ARENA_MAX. */
  static java.util.Map<String, String> imageEnvironment() {
    String arenas = chartValue("mallocArenaMax");
    return arenas.isEmpty() ? java.util.Map.of() : java.util.Map.of("MALLOC_ARENA_MAX", arenas);
  }

  /** A top-level scalar of the chart's values.yaml (a folded {@code >-} one joined), or "". */
  static String chartValue(String key) {
    try {
      java.util.Map<String, Object> values =
          Serde.YAML.readValue(
              Path.of("deploy", "helm", "tidb-backup-operator", "values.yaml").toFile(),
              new com.fasterxml.jackson.core.type.TypeReference<
                  java.util.Map<String, Object>>() {});
      Object v = values.get(key);
      return v == null ? "" : v.toString().trim();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static void main(String[] args) throws Exception {
    io.tidbbackup.sandbox.Sandbox.quietLogs();
    int[] sizes =
        java.util.Arrays.stream(System.getProperty("bench.backups", "1000,5000,10000").split(","))
            .map(String::trim)
            .mapToInt(Integer::parseInt)
            .toArray();
    Path jar = Path.of("target", "tidb-backup-operator.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: run through `mvn -Pbench verify`, which packages it first");
    }
    List<java.util.Map<String, Object>> rows = new ArrayList<>();
    String baseline = System.getProperty("bench.operator.baselineJar", "");
    for (int n : sizes) {
      // -Dbench.skip.floor=true: the operator alone (memory work; no ratio to the floor)
      Floor floor =
          Boolean.getBoolean("bench.skip.floor")
              ? new Floor(Double.NaN, java.util.Map.of())
              : floor(n);
      if (!baseline.isEmpty()) {
        // another build's operator on the same data, in the same run (A/B)
        Operator before = operator(n, Path.of(baseline));
        System.out.println();
        System.out.println("baseline " + baseline + ":");
        print(n, floor, before);
      }
      Operator op = operator(n, jar);
      print(n, floor, op);
      java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
      row.put("n", n);
      row.put(
          "floor_s",
          Double.isNaN(floor.seconds()) ? null : CleanerBenchmark.round(floor.seconds()));
      row.put("operator_s", CleanerBenchmark.round(op.seconds()));
      row.put(
          "vs_floor",
          Double.isNaN(floor.seconds())
              ? null
              : CleanerBenchmark.round(op.seconds() / floor.seconds()));
      row.put("floor_requests", floor.requests());
      row.put("operator_requests", op.requests());
      row.put("rss_mib", Math.round(op.peakRssMiB()));
      row.put("heap_mib", Math.round(op.peakHeapMiB()));
      row.put("ready_s", CleanerBenchmark.round(op.readySeconds()));
      if (!op.memoryMiB().isEmpty()) {
        row.put("memory_mib", op.memoryMiB());
      }
      rows.add(row);
    }
    summary(rows);
  }

  /**
   * target/bench-summary.json's {@code operator}: the largest run's figures at the top ({@code n},
   * {@code vs_floor}, {@code rss_mib}, {@code ready_s}), every size's under {@code runs}.
   */
  static void summary(List<java.util.Map<String, Object>> rows) throws Exception {
    java.util.Map<String, Object> operator =
        new java.util.LinkedHashMap<>(rows.get(rows.size() - 1));
    operator.put(
        "api_server",
        API.equals("mock") ? "mock (loopback)" : "kube-apiserver + etcd (loopback, fresh per run)");
    operator.put("runs", rows);
    Path out = Path.of("target", "bench-summary.json");
    java.util.Map<String, Object> all = new java.util.LinkedHashMap<>();
    if (Files.exists(out)) {
      all.putAll(
          Serde.JSON.readValue(
              out.toFile(),
              new com.fasterxml.jackson.core.type.TypeReference<
                  java.util.Map<String, Object>>() {}));
    }
    all.put("operator", operator);
    Files.writeString(out, Serde.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    System.out.println("wrote " + out + ": " + Serde.json(operator));
  }

  static void print(int n, Floor floor, Operator op) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "operator scale benchmark: %d Backups, %s API server on loopback, %d threads, "
            + "operator JVM: %s %s%n",
        n,
        API,
        THREADS,
        JVM_OPTIONS,
        imageEnvironment());
    System.out.printf(
        Locale.ROOT,
        "  %-58s %8.2f s%n",
        "floor: bare fabric8 client, the same API writes",
        floor.seconds());
    System.out.printf(
        Locale.ROOT,
        "  %-58s %8.2f s   (%.2fx the floor; target <= 1.5x)%n",
        "operator: created -> all Jobs exist, all Scheduled",
        op.seconds(),
        op.seconds() / floor.seconds());
    System.out.printf(
        Locale.ROOT,
        "  %-58s %8.2f s   (target < 3 s)%n",
        "operator: process start -> /readyz 200",
        op.readySeconds());
    System.out.printf(
        Locale.ROOT,
        "  %-58s %8.1f MiB (target < 400 MiB)%n",
        "operator: peak RSS (VmHWM)",
        op.peakRssMiB());
    System.out.printf(
        Locale.ROOT,
        "  %-58s %8.1f MiB%n",
        "operator: peak heap used (jvm_memory_used, heap)",
        op.peakHeapMiB());
    if (!floor.requests().isEmpty()) {
      System.out.println(
          "  API requests (apiserver_request_total, all clients, the controller manager's too):");
      System.out.println("    floor:    " + floor.requests());
      System.out.println("    operator: " + op.requests());
    }
  }

  /** The floor's time and the API server's count of requests by verb and resource. */
  record Floor(double seconds, java.util.Map<String, Long> requests) {}

  /**
   * Requests the API server served since it started, by verb and resource ({@code POST jobs},
   * {@code PUT backups/status}, {@code LIST pods}; watches left out), from its own {@code
   * apiserver_request_total}; empty on the mock.
   */
  static java.util.Map<String, Long> requests(KubernetesClient c) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    if (API.equals("mock")) {
      return out;
    }
    Pattern line =
        Pattern.compile("^apiserver_request_total\\{([^}]*)} ([0-9.eE+]+)$", Pattern.MULTILINE);
    Pattern label = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    Matcher m = line.matcher(c.raw("/metrics"));
    while (m.find()) {
      java.util.Map<String, String> labels = new java.util.HashMap<>();
      Matcher l = label.matcher(m.group(1));
      while (l.find()) {
        labels.put(l.group(1), l.group(2));
      }
      String verb = labels.getOrDefault("verb", "");
      if (verb.equals("WATCH") || verb.equals("CONNECT")) {
        continue;
      }
      String resource = labels.getOrDefault("resource", "");
      String sub = labels.getOrDefault("subresource", "");
      out.merge(
          verb + " " + resource + (sub.isEmpty() ? "" : "/" + sub),
          (long) Double.parseDouble(m.group(2)),
          Long::sum);
    }
    return out;
  }

  /** Create, Job, status, Event per Backup, from a bare client on {@link #THREADS} threads. */
  static Floor floor(int n) throws Exception {
    // the same watchers as the operator's run has: what they cost the machine counts on both sides
    try (Api api = Api.start("floor-" + n);
        ScaleProgress progress = ScaleProgress.watch(api.client(), n)) {
      KubernetesClient c = api.client();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      long t = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "b" + i;
        fs.add(
            pool.submit(
                () -> {
                  Backup b = c.resource(backup(name)).create();
                  Job job =
                      BackupJobBuilder.build(
                          b, null, ClusterFacts.plain("v8.5.0"), JobSettings.defaults());
                  c.resource(job).create();
                  BackupStatus st =
                      BackupStatuses.scheduled(
                          null,
                          null,
                          BackupJobBuilder.backupPath(b),
                          job.getMetadata().getName(),
                          Instant.now());
                  b.setStatus(st);
                  c.resource(b).updateStatus();
                  c.resource(
                          new EventBuilder()
                              .withNewMetadata()
                              .withGenerateName(name + ".")
                              .withNamespace(NS)
                              .endMetadata()
                              .withReason("JobCreated")
                              .withType("Normal")
                              .withMessage("created Job " + job.getMetadata().getName())
                              .withNewInvolvedObject()
                              .withKind("Backup")
                              .withName(name)
                              .withNamespace(NS)
                              .endInvolvedObject()
                              .build())
                      .create();
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      double s = (System.nanoTime() - t) / 1e9;
      pool.shutdown();
      return new Floor(s, requests(c));
    }
  }

  /**
   * One operator's run: process start to ready, Backups created to all Jobs and all Scheduled
   * ({@code seconds}) and to all Jobs ({@code jobsSeconds}), peak RSS, peak heap, CPU seconds.
   */
  record Operator(
      double readySeconds,
      double seconds,
      double jobsSeconds,
      double peakRssMiB,
      double peakHeapMiB,
      double cpuSeconds,
      java.util.Map<String, Long> requests,
      java.util.Map<String, Long> memoryMiB) {}

  static Operator operator(int n, Path jar) throws Exception {
    return operator(n, jar, Api.OUR_CRDS);
  }

  /**
   * The operator from {@code jar} on a fresh API server set up by {@code setup} (the CRDs and
   * anything else its Backups need), as in {@link #operator(int, Path)}.
   */
  static Operator operator(int n, Path jar, java.util.function.Consumer<KubernetesClient> setup)
      throws Exception {
    try (Api api = Api.start("operator-" + n, setup);
        ScaleProgress progress = ScaleProgress.watch(api.client(), n)) {
      KubernetesClient c = api.client();
      Path kubeconfig =
          api.writeKubeconfig(Files.createTempDirectory("scale-bench").resolve("kubeconfig"));
      int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
      List<String> cmd =
          new ArrayList<>(
              List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      Path jsa = ScaleCleanBenchmark.archive(jar);
      for (String o : JVM_OPTIONS.split(" ")) {
        // the image's class-data sharing archive: here, the same training run's of this jar
        cmd.add(o.startsWith(IMAGE_ARCHIVE) && jsa != null ? IMAGE_ARCHIVE + jsa : o);
      }
      cmd.addAll(List.of("-jar", jar.toString(), "operator", "--http-port=" + port));
      if (API.equals("mock")) {
        // the mock has no server-side apply; a real API server runs the operator's defaults
        cmd.add("--no-server-side-apply");
      }
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(Path.of("target", "scale-bench-operator.log").toFile());
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().putAll(imageEnvironment());
      pb.environment().put("LOG_LEVEL", System.getProperty("bench.operator.logLevel", "WARN"));
      long t0 = System.nanoTime();
      Process p = pb.start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        while (!ready(http, port)) {
          if (!p.isAlive()) {
            throw new IllegalStateException(
                "the operator exited; see target/scale-bench-operator.log");
          }
          Thread.sleep(20);
        }
        double ready = (System.nanoTime() - t0) / 1e9;
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        double peakHeap = 0;
        long t = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String name = "b" + i;
          fs.add(pool.submit(() -> createBackup(c, name)));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        pool.shutdown();
        long lastHeapRead = 0;
        while (!progress.done()) {
          if (!p.isAlive()) {
            throw new IllegalStateException(
                "the operator exited; see target/scale-bench-operator.log");
          }
          // every 5 s: each scrape evaluates the object gauges over every Backup (Prometheus
          // scrapes every 30 s or so)
          if (System.nanoTime() - lastHeapRead > 5_000_000_000L) {
            peakHeap = Math.max(peakHeap, heapMiB(http, port));
            lastHeapRead = System.nanoTime();
            // the time series: where a slow run loses its time (Jobs created, statuses written)
            System.out.printf(
                Locale.ROOT,
                "  %6.1f s: %d Jobs, %d Scheduled%n",
                (lastHeapRead - t) / 1e9,
                progress.jobs(),
                progress.scheduled());
          }
          Thread.sleep(20);
        }
        double seconds = (progress.doneAt() - t) / 1e9;
        double jobsSeconds = (progress.jobsDoneAt() - t) / 1e9;
        peakHeap = Math.max(peakHeap, heapMiB(http, port));
        System.out.printf(
            Locale.ROOT,
            "  operator's CPU time until then: %.1f s (%.1f ms per Backup)%n",
            cpuSeconds(p.pid()),
            cpuSeconds(p.pid()) * 1000 / n);
        double rss = peakRssMiB(p.pid());
        // -Dbench.jvm="… -XX:NativeMemoryTracking=detail": what each resident MiB is
        java.util.Map<String, Long> memory =
            JVM_OPTIONS.contains("NativeMemoryTracking")
                ? JvmMemory.nativeMemory(
                    p.pid(), Path.of("target", "scale-bench-nmt-" + n + ".txt"))
                : java.util.Map.of();
        histogram(p.pid(), n);
        if (Boolean.getBoolean("bench.heapdump")) {
          // the live heap as it is at the end, for a look at who holds what
          JvmMemory.jcmd(
              p.pid(),
              "GC.heap_dump",
              Path.of("target", "scale-bench-" + n + ".hprof").toAbsolutePath().toString());
        }
        return new Operator(
            ready, seconds, jobsSeconds, rss, peakHeap, cpuSeconds(p.pid()), requests(c), memory);
      } finally {
        p.destroy();
        p.waitFor();
      }
    }
  }

  /** The API server of one measurement, with the CRDs and namespace {@link #NS} in place. */
  interface Api extends AutoCloseable {
    KubernetesClient client();

    Path writeKubeconfig(Path file) throws IOException;

    @Override
    void close();

    /** Our CRDs of group pingcap.com (the v1 kinds), as the operator bench installs them. */
    java.util.function.Consumer<KubernetesClient> OUR_CRDS =
        c -> {
          try {
            io.tidbbackup.controlplane.LocalCluster.installCrds(
                c, Path.of("crds"), f -> !f.endsWith(".br.pingcap.com.yaml"));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };

    static Api start(String tag) throws Exception {
      return start(tag, OUR_CRDS);
    }

    /**
     * A fresh API server (or mock) with namespace {@link #NS}, the Jobs' ServiceAccount, and what
     * {@code setup} installs (on the real API server; the mock reads our CRDs itself).
     */
    static Api start(String tag, java.util.function.Consumer<KubernetesClient> setup)
        throws Exception {
      Api api;
      if (API.equals("mock")) {
        MockApiServer mock = MockApiServer.start(0, Path.of("crds"));
        api =
            new Api() {
              public KubernetesClient client() {
                return mock.client();
              }

              public Path writeKubeconfig(Path file) throws IOException {
                return mock.writeKubeconfig(file);
              }

              public void close() {
                mock.close();
              }
            };
      } else {
        Path dir =
            Path.of("target", "controlplane", "bench-" + tag + "-" + ProcessHandle.current().pid());
        io.tidbbackup.controlplane.ControlPlane cp =
            io.tidbbackup.controlplane.ControlPlane.startPrivate(dir, System.out::println);
        // the floor's client speaks HTTP/1.1 as the operator's does (OperatorFactory.clientConfig)
        KubernetesClient admin =
            new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(
                    new io.fabric8.kubernetes.client.ConfigBuilder(cp.admin().getConfiguration())
                        .withHttp2Disable(true)
                        .build())
                .build();
        api =
            new Api() {
              public KubernetesClient client() {
                return admin;
              }

              public Path writeKubeconfig(Path file) throws IOException {
                return cp.writeKubeconfig(
                    file, io.tidbbackup.controlplane.ControlPlane.ADMIN_TOKEN, NS);
              }

              public void close() {
                admin.close();
                cp.close();
                deleteTree(dir);
              }
            };
      }
      api.client()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      if (!API.equals("mock")) {
        // the Jobs' default ServiceAccount: without it the Job controller records a
        // FailedCreate per pod, and the operator says so in every Backup's status (the mock
        // has no Job controller)
        io.tidbbackup.controlplane.LocalCluster.jobServiceAccount(api.client(), NS);
        setup.accept(api.client());
      }
      return api;
    }
  }

  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.out.println("could not remove " + dir + ": " + e.getMessage());
    }
  }

  static Backup backup(String name) {
    return read(backupYaml(name), Backup.class);
  }

  /**
   * Backup {@code name} as the API server is sent it: the same object for our CRD and TiDB
   * Operator's.
   */
  static io.fabric8.kubernetes.api.model.GenericKubernetesResource genericBackup(String name) {
    return read(backupYaml(name), io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
  }

  /** pingcap.com's Backup, named here: a client's discovery can lag a CRD just installed. */
  static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext BACKUPS =
      new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
          .withGroup("pingcap.com")
          .withVersion("v1alpha1")
          .withKind("Backup")
          .withPlural("backups")
          .withNamespaced(true)
          .build();

  /** Creates Backup {@link #genericBackup}{@code (name)}. */
  static Object createBackup(KubernetesClient c, String name) {
    return c.genericKubernetesResources(BACKUPS)
        .inNamespace(NS)
        .resource(genericBackup(name))
        .create();
  }

  static <T> T read(String yaml, Class<T> type) {
    try {
      return Serde.YAML.readValue(yaml, type);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String backupYaml(String name) {
    return """
          apiVersion: pingcap.com/v1alpha1
          kind: Backup
          metadata: {name: %s, namespace: %s}
          spec:
            br: {cluster: basic}
            s3: {provider: aws, bucket: bench, prefix: scale/%s, secretName: s3-secret}
          """
        .formatted(name, NS, name);
  }

  static boolean ready(HttpClient http, int port) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static final Pattern HEAP =
      Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\".*} ([0-9.eE+]+)$", Pattern.MULTILINE);

  static double heapMiB(HttpClient http, int port) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    Matcher m = HEAP.matcher(body);
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum / (1024 * 1024);
  }

  /**
   * The operator's live heap by class once all is done (jcmd GC.class_histogram), in
   * target/scale-bench-histogram-N.txt; its first lines printed.
   */
  static void histogram(long pid, int n) throws Exception {
    Path out = Path.of("target", "scale-bench-histogram-" + n + ".txt");
    Process jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid),
                "GC.class_histogram")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (jcmd.waitFor() != 0) {
      System.out.println("  (no heap histogram: jcmd exited " + jcmd.exitValue() + ")");
      return;
    }
    System.out.println("  operator's live heap, largest classes (all of it in " + out + "):");
    Files.readAllLines(out).stream()
        .filter(l -> l.matches("\\s*\\d+:.*"))
        .limit(8)
        .forEach(l -> System.out.println("    " + l.trim()));
  }

  /** User and system CPU time of a process so far, from /proc/PID/stat (Linux). */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // the fields after the command name, which is in parentheses and may hold spaces
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name, in clock ticks
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  /** Peak resident set size of a process, from /proc/PID/status (Linux). */
  static double peakRssMiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }
}
