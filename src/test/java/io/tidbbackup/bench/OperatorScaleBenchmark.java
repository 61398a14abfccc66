package io.tidbbackup.bench;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.ConditionTypes;
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
 * Operator scale benchmark, apart from the tests. Against the mock API server, in one run:
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

  /**
   * The image's JAVA_TOOL_OPTIONS (Dockerfile) as they resolve under the chart's default memory
   * limit of 512 MiB: MaxRAMPercentage=50 of 512 MiB is a 256 MiB heap. Override with
   * -Dbench.jvm="…".
   */
  static final String JVM_OPTIONS =
      System.getProperty("bench.jvm", "-XX:+UseSerialGC -Xmx256m -Xss512k");

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
      double floor = floor(n);
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
      row.put("floor_s", CleanerBenchmark.round(floor));
      row.put("operator_s", CleanerBenchmark.round(op.seconds()));
      row.put("vs_floor", CleanerBenchmark.round(op.seconds() / floor));
      row.put("rss_mib", Math.round(op.peakRssMiB()));
      row.put("heap_mib", Math.round(op.peakHeapMiB()));
      row.put("ready_s", CleanerBenchmark.round(op.readySeconds()));
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
    operator.put("api_server", "mock (loopback)");
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

  static void print(int n, double floor, Operator op) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "operator scale benchmark: %d Backups, mock API server on loopback, %d threads, "
            + "operator JVM: %s%n",
        n,
        THREADS,
        JVM_OPTIONS);
    System.out.printf(
        Locale.ROOT, "  %-58s %8.2f s%n", "floor: bare fabric8 client, the same API writes", floor);
    System.out.printf(
        Locale.ROOT,
        "  %-58s %8.2f s   (%.2fx the floor; target <= 1.5x)%n",
        "operator: created -> all Jobs exist, all Scheduled",
        op.seconds(),
        op.seconds() / floor);
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
  }

  /** Create, Job, status, Event per Backup, from a bare client on {@link #THREADS} threads. */
  static double floor(int n) throws Exception {
    try (MockApiServer api = MockApiServer.start(0, Path.of("crds"))) {
      KubernetesClient c = api.client();
      c.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
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
      return s;
    }
  }

  record Operator(double readySeconds, double seconds, double peakRssMiB, double peakHeapMiB) {}

  static Operator operator(int n, Path jar) throws Exception {
    try (MockApiServer api = MockApiServer.start(0, Path.of("crds"))) {
      KubernetesClient c = api.client();
      c.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      Path kubeconfig =
          api.writeKubeconfig(Files.createTempDirectory("scale-bench").resolve("kubeconfig"));
      int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
      List<String> cmd =
          new ArrayList<>(
              List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      cmd.addAll(List.of(JVM_OPTIONS.split(" ")));
      cmd.addAll(
          List.of(
              "-jar", jar.toString(), "operator", "--no-server-side-apply", "--http-port=" + port));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(Path.of("target", "scale-bench-operator.log").toFile());
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("LOG_LEVEL", "WARN");
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
          fs.add(pool.submit(() -> c.resource(backup(name)).create()));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        pool.shutdown();
        while (true) {
          peakHeap = Math.max(peakHeap, heapMiB(http, port));
          long jobs = c.batch().v1().jobs().inNamespace(NS).list().getItems().size();
          long scheduled =
              c.resources(Backup.class).inNamespace(NS).list().getItems().stream()
                  .filter(
                      b ->
                          b.getStatus() != null
                              && ConditionTypes.SCHEDULED.equals(b.getStatus().phase))
                  .count();
          if (jobs == n && scheduled == n) {
            break;
          }
          if (!p.isAlive()) {
            throw new IllegalStateException(
                "the operator exited; see target/scale-bench-operator.log");
          }
          // the check lists every Job and Backup: rarely enough not to compete with the operator
          Thread.sleep(n > 2000 ? 500 : 100);
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        peakHeap = Math.max(peakHeap, heapMiB(http, port));
        return new Operator(ready, seconds, peakRssMiB(p.pid()), peakHeap);
      } finally {
        p.destroy();
        p.waitFor();
      }
    }
  }

  static Backup backup(String name) {
    try {
      return Serde.YAML.readValue(
          """
          apiVersion: pingcap.com/v1alpha1
          kind: Backup
          metadata: {name: %s, namespace: %s}
          spec:
            br: {cluster: basic}
            s3: {provider: aws, bucket: bench, prefix: scale/%s, secretName: s3-secret}
          """
              .formatted(name, NS, name),
          Backup.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
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
