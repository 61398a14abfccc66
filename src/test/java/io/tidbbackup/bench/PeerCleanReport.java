package io.tidbbackup.bench;

import io.tidbbackup.bench.PeerCleanBenchmark.Case;
import io.tidbbackup.bench.PeerCleanBenchmark.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@link PeerCleanBenchmark}'s table and its part of {@code target/bench-summary.json}: per case
 * and side, min/median/max of the wall time, the requests, the peak RSS and whether every run
 * succeeded; then theirs over ours (the ratio of the medians, so above 1.0 we are faster) and its
 * spread (the ratio of each round's pair, lowest and highest).
 */
final class PeerCleanReport {
  private PeerCleanReport() {}

  static List<Case> cases(List<Run> runs) {
    List<Case> out = new ArrayList<>();
    runs.forEach(
        r -> {
          if (!out.contains(r.c())) {
            out.add(r.c());
          }
        });
    return out;
  }

  static List<Run> of(List<Run> runs, Case c, String side) {
    return runs.stream().filter(r -> r.c().equals(c) && r.side().equals(side)).toList();
  }

  /** {min, median, max}; the median of an even count is the mean of the middle two. */
  static double[] stats(List<Run> runs, ToDoubleFunction<Run> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 0) {
      return new double[] {0, 0, 0};
    }
    int m = v.length / 2;
    double median = v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    return new double[] {v[0], median, v[v.length - 1]};
  }

  /** Theirs over ours for each round both sides ran: {lowest, highest}. */
  static double[] ratioSpread(List<Run> ours, List<Run> theirs) {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Run o : ours) {
      for (Run t : theirs) {
        if (t.round() == o.round() && o.seconds() > 0) {
          lo = Math.min(lo, t.seconds() / o.seconds());
          hi = Math.max(hi, t.seconds() / o.seconds());
        }
      }
    }
    return hi == 0 ? new double[] {0, 0} : new double[] {lo, hi};
  }

  static void print(List<Run> runs, int rounds) {
    System.out.printf(
        Locale.ROOT,
        "%nOur cleaner (agent clean) against TiDB Operator's backup-manager clean (release-1.6),"
            + " %d round(s) per case, order alternating%n",
        rounds);
    System.out.printf(
        Locale.ROOT,
        "%-22s %-7s %8s %8s %8s %10s %6s %7s %8s %6s %8s %5s %6s%n",
        "case",
        "side",
        "min s",
        "median",
        "max s",
        "in-process",
        "CPU s",
        "lists",
        "deletes",
        "other",
        "RSS MiB",
        "left",
        "failed");
    for (Case c : cases(runs)) {
      for (String side : List.of("ours", "theirs")) {
        List<Run> rs = of(runs, c, side);
        double[] t = stats(rs, Run::seconds);
        System.out.printf(
            Locale.ROOT,
            "%-22s %-7s %8.2f %8.2f %8.2f %10.2f %6.1f %7.0f %8.0f %6.0f %8.0f %5d %6d%n",
            c.key(),
            side,
            t[0],
            t[1],
            t[2],
            stats(rs, Run::inProcess)[1],
            stats(rs, Run::cpuSeconds)[1],
            stats(rs, Run::lists)[1],
            stats(rs, Run::deletes)[1],
            stats(rs, Run::other)[1],
            stats(rs, r -> r.rssKib() / 1024.0)[2],
            rs.stream().mapToLong(Run::left).max().orElse(0),
            rs.stream().filter(r -> !r.ok()).count());
      }
      List<Run> ours = of(runs, c, "ours");
      List<Run> theirs = of(runs, c, "theirs");
      double[] spread = ratioSpread(ours, theirs);
      System.out.printf(
          Locale.ROOT,
          "%-22s theirs / ours = %.2f (rounds %.2f-%.2f; > 1.0: ours is faster)%n",
          c.key(),
          stats(theirs, Run::seconds)[1] / stats(ours, Run::seconds)[1],
          spread[0],
          spread[1]);
    }
    System.out.println(
        "in-process: median time inside the process (ours: the clean's own report; theirs: first"
            + " to last log line), the rest of the wall time is start-up; CPU s: the process's user and"
            + " system CPU; lists: ListObjectsV2 requests; deletes: DeleteObjects (and single DELETE) requests; other:"
            + " the rest (e.g. GetBucketVersioning); RSS: the highest VmHWM of a run; a failed run"
            + " exited non-zero, left objects, lost a sentinel or deleted outside the prefix");
  }

  /** Merged into {@code target/bench-summary.json} under {@code cleaner.vs_tidb_operator}. */
  static void summary(List<Run> runs, int rounds) throws Exception {
    Map<String, Object> add = new LinkedHashMap<>();
    for (Case c : cases(runs)) {
      List<Run> ours = of(runs, c, "ours");
      List<Run> theirs = of(runs, c, "theirs");
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("objects", c.objects());
      one.put("latency_ms", c.latencyMs());
      one.put("rounds", rounds);
      double[] spread = ratioSpread(ours, theirs);
      one.put(
          "ratio",
          CleanerBenchmark.round(stats(theirs, Run::seconds)[1] / stats(ours, Run::seconds)[1]));
      one.put("ratio_min", CleanerBenchmark.round(spread[0]));
      one.put("ratio_max", CleanerBenchmark.round(spread[1]));
      one.put("ours", side(ours));
      one.put("theirs", side(theirs));
      add.put(c.key(), one);
    }
    Path out = Path.of("target", "bench-summary.json");
    Map<String, Object> all = new LinkedHashMap<>();
    if (Files.exists(out)) {
      all.putAll(
          io.tidbbackup.api.Serde.JSON.readValue(
              out.toFile(),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> cleaner =
        (Map<String, Object>) all.computeIfAbsent("cleaner", k -> new LinkedHashMap<>());
    @SuppressWarnings("unchecked")
    Map<String, Object> peer =
        (Map<String, Object>)
            cleaner.computeIfAbsent("vs_tidb_operator", k -> new LinkedHashMap<>());
    peer.putAll(add);
    Files.createDirectories(out.getParent());
    Files.writeString(
        out, io.tidbbackup.api.Serde.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    System.out.println(
        "wrote " + out + " cleaner.vs_tidb_operator: " + io.tidbbackup.api.Serde.json(add));
  }

  private static Map<String, Object> side(List<Run> rs) {
    double[] t = stats(rs, Run::seconds);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds_min", CleanerBenchmark.round(t[0]));
    m.put("seconds_median", CleanerBenchmark.round(t[1]));
    m.put("seconds_max", CleanerBenchmark.round(t[2]));
    m.put("seconds", rs.stream().map(r -> CleanerBenchmark.round(r.seconds())).toList());
    m.put("in_process_s_median", CleanerBenchmark.round(stats(rs, Run::inProcess)[1]));
    m.put("cpu_s_median", CleanerBenchmark.round(stats(rs, Run::cpuSeconds)[1]));
    m.put("lists", Math.round(stats(rs, Run::lists)[1]));
    m.put("delete_requests", Math.round(stats(rs, Run::deletes)[1]));
    m.put("other_requests", Math.round(stats(rs, Run::other)[1]));
    m.put("rss_mib_max", Math.round(stats(rs, r -> r.rssKib() / 1024.0)[2]));
    m.put("exit_codes", rs.stream().map(Run::exit).toList());
    m.put("objects_left_max", rs.stream().mapToLong(Run::left).max().orElse(0));
    m.put("failed_runs", rs.stream().filter(r -> !r.ok()).count());
    return m;
  }
}
