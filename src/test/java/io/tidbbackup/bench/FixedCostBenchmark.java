package io.tidbbackup.bench;

import io.tidbbackup.controlplane.NodeImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's fixed cost, apart from the tests: {@code agent clean} of an empty prefix (one
 * listing, one verifying listing; no object to delete), as the image runs it. It builds the
 * project's image from the jar as the test node does ({@code controlplane/node/images.sh}), then
 * runs the agent inside that image's filesystem and JVM ({@code buildah run}, chroot isolation, the
 * host's loopback so it reaches {@link SyntheticS3}) with the image's own {@code JAVA_TOOL_OPTIONS}
 * (the class-data sharing archive) and, alternating, with the archive turned off ({@code
 * -Xshare:off} added); the time is taken inside the container around the {@code java} process
 * alone, so the container's set-up is not counted. {@code -Dbench.fixed.rounds} pairs (default 5);
 * min/median/max of each and the median ratio go to {@code target/bench-summary.json}'s {@code
 * agent.fixed_cost_*}.
 */
public final class FixedCostBenchmark {
  static final String BUCKET = "fixed";

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.fixed.rounds", 5);
    NodeImages.build(List.of(), l -> System.err.println(l));
    Path store =
        Path.of(System.getProperty("user.home"), ".kubeapitest", "node", "images", "buildah");
    List<String> buildah =
        List.of(
            "buildah",
            "--root",
            store.resolve("root").toString(),
            "--runroot",
            store.resolve("run").toString(),
            "--storage-driver",
            "vfs");
    List<Sample> withCds = new ArrayList<>();
    List<Sample> without = new ArrayList<>();
    // a prefix beside the endpoint's data: its listing is empty
    try (SyntheticS3 s3 = new SyntheticS3(BUCKET, "br/data", 4, 0)) {
      String container = run(concat(buildah, "from", "-q", NodeImages.AGENT)).strip();
      try {
        String manifest =
            """
            apiVersion: pingcap.com/v1alpha1
            kind: Backup
            metadata: {name: fixed, namespace: bench}
            spec:
              br: {cluster: basic}
              cleanPolicy: Delete
              s3: {provider: ceph, endpoint: %s, bucket: %s, prefix: br/empty}
            status: {backupPath: s3://%s/br/empty}
            """
                .formatted(s3.uri(), BUCKET, BUCKET);
        Path file = Files.createTempFile("fixed", ".yaml");
        Files.writeString(file, manifest);
        // the image runs as a numeric non-root user
        Files.setPosixFilePermissions(
            file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        run(concat(buildah, "copy", "-q", container, file.toString(), "/tmp/backup.yaml"));
        once(buildah, container, ""); // the page cache
        for (int i = 0; i < rounds; i++) {
          boolean cdsFirst = i % 2 == 0;
          Sample a = once(buildah, container, cdsFirst ? "" : "-Xshare:off");
          Sample b = once(buildah, container, cdsFirst ? "-Xshare:off" : "");
          withCds.add(cdsFirst ? a : b);
          without.add(cdsFirst ? b : a);
          System.err.printf(
              Locale.ROOT,
              "round %d: with the archive %s s, without %s s%n",
              i + 1,
              cdsFirst ? a : b,
              cdsFirst ? b : a);
        }
      } finally {
        run(concat(buildah, "rm", container));
      }
    }
    Stats wall = Stats.of(withCds, Sample::wall);
    Stats wallOff = Stats.of(without, Sample::wall);
    Stats cpu = Stats.of(withCds, Sample::cpu);
    Stats cpuOff = Stats.of(without, Sample::cpu);
    System.out.printf(
        Locale.ROOT,
        "%nFixed cost: agent clean of an empty prefix inside the image (%d rounds, alternating)%n"
            + "                                    wall time s (min/median/max)   CPU s (min/median/max)%n"
            + "  class-data sharing (the default)  %-30s %s%n"
            + "  -Xshare:off                       %-30s %s%n"
            + "  ratio of medians (off / on): wall %.2f, CPU %.2f%n",
        rounds,
        wall,
        cpu,
        wallOff,
        cpuOff,
        wallOff.median() / wall.median(),
        cpuOff.median() / cpu.median());
    Map<String, Object> add = new LinkedHashMap<>();
    add.put("fixed_cost_s_median", CleanerBenchmark.round(wall.median()));
    add.put("fixed_cost_s_min", CleanerBenchmark.round(wall.min()));
    add.put("fixed_cost_s_max", CleanerBenchmark.round(wall.max()));
    add.put("fixed_cost_cpu_s_median", CleanerBenchmark.round(cpu.median()));
    add.put("fixed_cost_s_median_without_cds", CleanerBenchmark.round(wallOff.median()));
    add.put("fixed_cost_cpu_s_median_without_cds", CleanerBenchmark.round(cpuOff.median()));
    add.put("fixed_cost_rounds", rounds);
    BenchSummary.merge("agent", add);
  }

  /** One agent run in the container; the seconds its java process took, timed inside. */
  static Sample once(List<String> buildah, String container, String extraJvm) throws Exception {
    String script =
        "s=$(date +%s%N); java "
            + extraJvm
            + " -jar /opt/tidb-backup-operator/tidb-backup-operator.jar agent clean -f /tmp/backup.yaml"
            + " >/tmp/out.log 2>&1; rc=$?; e=$(date +%s%N); echo \"$rc $(( (e - s) / 1000000 ))\"; times";
    String out =
        run(
            concat(
                buildah,
                "run",
                "--isolation",
                "chroot",
                "--runtime",
                "/usr/sbin/runc",
                "--env",
                "AWS_ACCESS_KEY_ID=bench",
                "--env",
                "AWS_SECRET_ACCESS_KEY=bench",
                container,
                "--",
                "sh",
                "-c",
                script));
    List<String> lines = out.strip().lines().toList();
    String[] last = lines.size() < 3 ? new String[0] : lines.get(lines.size() - 3).split(" ");
    if (last.length != 2 || !last[0].equals("0")) {
      String log =
          run(
              concat(
                  buildah, "run", "--isolation", "chroot", container, "--", "cat", "/tmp/out.log"));
      throw new IllegalStateException("agent clean in the image failed: " + out + "\n" + log);
    }
    // `times`: the shell's own user and system time, then its children's (the java process)
    String[] cpu = lines.get(lines.size() - 1).trim().split("\\s+");
    return new Sample(Long.parseLong(last[1]) / 1000.0, seconds(cpu[0]) + seconds(cpu[1]));
  }

  /** The wall time of the java process and the CPU time (user + system) it used. */
  record Sample(double wall, double cpu) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.2f (CPU %.2f)", wall, cpu);
    }
  }

  /** {@code 1m2.345s}, as the shell's {@code times} prints it. */
  static double seconds(String t) {
    int m = t.indexOf('m');
    return Integer.parseInt(t.substring(0, m)) * 60
        + Double.parseDouble(t.substring(m + 1, t.length() - 1));
  }

  record Stats(double min, double median, double max) {
    static Stats of(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f) {
      double[] v = samples.stream().mapToDouble(f).sorted().toArray();
      int n = v.length;
      return new Stats(v[0], n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[n - 1]);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", min, median, max);
    }
  }

  static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }
}
