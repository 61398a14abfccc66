package io.tidbbackup.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cleaner at scale, apart from the tests: {@code agent clean} as its own process (the image's
 * JVM flags, in a 512 MiB container's worth of memory: {@code -XX:MaxRAM=512m}) against {@link
 * SyntheticS3}, at each size of {@code -Dbench.scale.sizes} (default 100000,1000000; add 10000000
 * for the 10M run, about 15 minutes here): time, throughput, peak RSS (the process's VmHWM), and
 * requests. Then, with {@code -Dbench.scale.limit} deleted keys per second enforced by the endpoint
 * (default 3500, S3's per-prefix rate) on {@code -Dbench.scale.limitObjects} keys (default 100000):
 * the rate achieved as a fraction of the limit, and the SlowDowns it took. Results go into {@code
 * target/bench-summary.json} ({@code cleaner.rss_mib_*}, {@code
 * cleaner.throttled_fraction_of_limit}).
 */
public final class ScaleCleanBenchmark {
  static final String BUCKET = "scale";
  static final String PREFIX = "br/cluster-1/backup-2026-12-01";

  /** The production jar (the bench profile runs after package), as the Job's image runs it. */
  static final Path JAR = Path.of("target", "tidb-backup-operator.jar");

  /**
   * Another build's jar (-Dbench.scale.baselineJar=…), run on the throttled case beside this one:
   * an A/B of the same data and limit in one run (e.g. the commit before a change to the cleaner).
   */
  static final String BASELINE = System.getProperty("bench.scale.baselineJar", "");

  record Run(
      String what,
      int objects,
      double seconds,
      double cleanSeconds,
      long rssKib,
      int exit,
      int left,
      long lists,
      long deletes,
      long slowDowns,
      long stray) {
    /** Keys deleted per second of the clean itself (the agent's own time, JVM start left out). */
    double rate() {
      double s = cleanSeconds > 0 ? cleanSeconds : seconds;
      return s > 0 ? (objects - left) / s : 0;
    }
  }

  public static void main(String[] args) throws Exception {
    int[] sizes =
        Arrays.stream(System.getProperty("bench.scale.sizes", "100000,1000000").split(","))
            .map(String::trim)
            .mapToInt(Integer::parseInt)
            .toArray();
    double limit = Double.parseDouble(System.getProperty("bench.scale.limit", "3500"));
    int limitObjects = Integer.getInteger("bench.scale.limitObjects", 100_000);
    List<Run> runs = new ArrayList<>();
    runs.add(clean("warm-up", 20_000, 0, JAR)); // the page cache and the JDK's class data
    runs.clear();
    for (int n : sizes) {
      runs.add(clean("unlimited", n, 0, JAR));
    }
    if (!BASELINE.isEmpty()) {
      runs.add(
          clean("baseline, " + (long) limit + " keys/s", limitObjects, limit, Path.of(BASELINE)));
    }
    Run throttled = clean("limited to " + (long) limit + " keys/s", limitObjects, limit, JAR);
    runs.add(throttled);
    print(runs, limit);
    summary(runs, throttled, limit);
  }

  static Run clean(String what, int n, double limit, Path jar) throws Exception {
    try (SyntheticS3 s3 = new SyntheticS3(BUCKET, PREFIX, n, limit)) {
      Path dir = Files.createTempDirectory("scale-clean");
      Path manifest = dir.resolve("backup.yaml");
      Files.writeString(
          manifest,
          """
          apiVersion: pingcap.com/v1alpha1
          kind: Backup
          metadata:
            name: scale
            namespace: bench
          spec:
            br:
              cluster: basic
            cleanPolicy: Delete
            s3:
              provider: ceph
              endpoint: %s
              bucket: %s
              prefix: %s
          status:
            backupPath: s3://%s/%s
          """
              .formatted(s3.uri(), BUCKET, PREFIX, BUCKET, PREFIX));
      List<String> cmd = agentClean(jar, manifest);
      Path log = dir.resolve("agent.log");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      pb.environment().put("AWS_ACCESS_KEY_ID", "bench");
      pb.environment().put("AWS_SECRET_ACCESS_KEY", "bench");
      pb.environment().remove("JAVA_TOOL_OPTIONS");
      long t = System.nanoTime();
      Process p = pb.start();
      long hwm = 0;
      while (p.isAlive()) {
        hwm = Math.max(hwm, vmHwm(p.pid()));
        Thread.sleep(50);
      }
      double secs = (System.nanoTime() - t) / 1e9;
      int exit = p.exitValue();
      String out = Files.readString(log, StandardCharsets.UTF_8);
      String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("");
      System.err.printf(
          Locale.ROOT, "%s, %d objects: exit %d in %.1f s; %s%n", what, n, exit, secs, last);
      if (exit != 0 && s3.remaining() == 0) {
        System.err.println(out.lines().skip(Math.max(0, out.lines().count() - 20)).toList());
      }
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("\"seconds\":([0-9.]+)").matcher(last);
      double clean = m.find() ? Double.parseDouble(m.group(1)) : 0;
      return new Run(
          what,
          n,
          secs,
          clean,
          hwm,
          exit,
          s3.remaining(),
          s3.lists.get(),
          s3.deleteRequests.get(),
          s3.slowDowns.get(),
          s3.strayDeletes.get());
    }
  }

  /**
   * {@code agent clean -f manifest} from {@code jar}, with the image's JVM flags ({@link
   * #imageJvmFlags}) in a 512 MiB container ({@code -XX:MaxRAM=512m}) and, as the image has, a
   * class-data sharing archive recorded by the same training run ({@link #archive}).
   */
  static List<String> agentClean(Path jar, Path manifest) {
    Path jsa = archive(jar);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:MaxRAM=512m");
    for (String flag : imageJvmFlags()) {
      // the image's archive is of the image's jar: this jar's own stands in for it
      cmd.add(
          flag.startsWith("-XX:SharedArchiveFile=")
              ? (jsa == null ? "-Xshare:auto" : "-XX:SharedArchiveFile=" + jsa)
              : flag);
    }
    cmd.addAll(List.of("-jar", jar.toString(), "agent", "clean", "-f", manifest.toString()));
    return cmd;
  }

  /** The flags of the Dockerfile's {@code ENV JAVA_TOOL_OPTIONS}: the agent's JVM in every Job. */
  static List<String> imageJvmFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(line);
        if (m.find()) {
          return List.of(m.group(1).trim().split("\\s+"));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new IllegalStateException("the Dockerfile has no ENV JAVA_TOOL_OPTIONS=\"…\" line");
  }

  /**
   * The class-data sharing archive of {@code jar} (beside it, {@code <jar>.jsa}), recorded as the
   * Dockerfile records the image's: {@code agent warm-up} under {@code -XX:ArchiveClassesAtExit};
   * again when the jar is newer than the archive (a JVM does not use an archive of another jar).
   * Null for a jar from before the image had one (no {@code agent warm-up}): it runs without.
   */
  static synchronized Path archive(Path jar) {
    Path jsa = jar.resolveSibling(jar.getFileName() + ".jsa");
    try {
      if (Files.exists(jsa)
          && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) > 0) {
        return jsa;
      }
      Files.deleteIfExists(jsa);
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:+UseSerialGC",
                  "-Xss512k",
                  "-Xlog:cds=error",
                  "-XX:ArchiveClassesAtExit=" + jsa,
                  "-jar",
                  jar.toString(),
                  "agent",
                  "warm-up")
              .inheritIO()
              .start();
      if (p.waitFor() != 0) {
        System.err.println(jar + " has no agent warm-up: it runs without a class-data archive");
        Files.deleteIfExists(jsa);
        return null;
      }
      return jsa;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The peak resident set of a process (VmHWM), in KiB; 0 once it is gone. */
  static long vmHwm(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      // exited between the check and the read
    }
    return 0;
  }

  static void print(List<Run> runs, double limit) {
    System.out.printf(
        Locale.ROOT,
        "%nScale clean: agent clean (own JVM, -XX:MaxRAM=512m) against the synthetic S3 endpoint%n");
    System.out.printf(
        Locale.ROOT,
        "%-26s %10s %8s %8s %10s %9s %5s %6s %7s %8s %9s %6s%n",
        "run",
        "objects",
        "process",
        "clean s",
        "objects/s",
        "RSS MiB",
        "exit",
        "left",
        "lists",
        "deletes",
        "SlowDown",
        "stray");
    for (Run r : runs) {
      System.out.printf(
          Locale.ROOT,
          "%-26s %10d %8.1f %8.1f %10.0f %9.0f %5d %6d %7d %8d %9d %6d%n",
          r.what(),
          r.objects(),
          r.seconds(),
          r.cleanSeconds(),
          r.rate(),
          r.rssKib() / 1024.0,
          r.exit(),
          r.left(),
          r.lists(),
          r.deletes(),
          r.slowDowns(),
          r.stray());
    }
    Run t = runs.get(runs.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "throttled: %.0f keys/s achieved of %.0f allowed (%.0f%%), %d SlowDown answers for %d"
            + " delete requests%n",
        t.rate(),
        limit,
        100 * t.rate() / limit,
        t.slowDowns(),
        t.deletes());
  }

  static void summary(List<Run> runs, Run throttled, double limit) throws Exception {
    Map<String, Object> add = new LinkedHashMap<>();
    for (Run r : runs.stream().filter(r -> r.what().equals("unlimited")).toList()) {
      String size =
          r.objects() >= 1_000_000 ? (r.objects() / 1_000_000) + "m" : (r.objects() / 1000) + "k";
      add.put("rss_mib_" + size, Math.round(r.rssKib() / 1024.0));
      add.put("objects_per_s_" + size, Math.round(r.rate()));
    }
    add.put("throttle_limit_keys_per_s", Math.round(limit));
    add.put("throttled_fraction_of_limit", CleanerBenchmark.round(throttled.rate() / limit));
    add.put("throttled_slowdowns", throttled.slowDowns());
    add.put("throttled_delete_requests", throttled.deletes());
    add.put("throttled_exit", throttled.exit());
    BenchSummary.merge("cleaner", add);
  }
}
