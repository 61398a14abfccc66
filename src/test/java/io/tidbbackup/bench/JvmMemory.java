package io.tidbbackup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each resident MiB of a JVM is, for a process started with {@code
 * -XX:NativeMemoryTracking=detail} (or {@code summary}: then committed figures only): Native Memory
 * Tracking's committed memory by category, and, with {@code detail}, the resident set of every
 * mapping in {@code /proc/PID/smaps} put under the NMT category whose reserved region holds it.
 * Resident memory outside every NMT region is the C heap (malloc: the JVM's own mallocs, which NMT
 * counts under its categories, and the allocator's arenas and free lists) or a mapped file
 * (libjvm.so, the CDS archive, the JDK's modules). Linux only; bench code, not a test.
 */
final class JvmMemory {
  private JvmMemory() {}

  private static final Pattern SUMMARY =
      Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);
  private static final Pattern REGION =
      Pattern.compile(
          "^\\[0x([0-9a-f]+) - 0x([0-9a-f]+)] reserved (?:and committed )?\\d+KB for (.+?) from",
          Pattern.MULTILINE);
  private static final Pattern MAPPING =
      Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) \\S+ \\S+ \\S+ \\S+\\s*(.*)$");

  record Region(long start, long end, String category) {}

  /**
   * Writes jcmd's {@code VM.native_memory summary} (and {@code detail} when tracked so) to {@code
   * out}, prints committed and resident MiB by category, and returns resident MiB by category (or
   * committed, without detail tracking).
   */
  static Map<String, Long> nativeMemory(long pid, Path out) throws Exception {
    String summary = jcmd(pid, "VM.native_memory", "summary");
    Map<String, Long> committed = new TreeMap<>();
    Matcher m = SUMMARY.matcher(summary);
    while (m.find()) {
      committed.put(m.group(1), Long.parseLong(m.group(3)) / 1024);
    }
    String detail = jcmd(pid, "VM.native_memory", "detail");
    Files.writeString(out, summary + "\n" + detail);
    List<Region> regions = new ArrayList<>();
    Matcher r = REGION.matcher(detail);
    while (r.find()) {
      regions.add(
          new Region(
              Long.parseUnsignedLong(r.group(1), 16),
              Long.parseUnsignedLong(r.group(2), 16),
              r.group(3)));
    }
    Map<String, Long> residentKb = regions.isEmpty() ? Map.of() : resident(pid, regions);
    System.out.println(
        "  operator's memory by NMT category (committed; resident from smaps), in " + out + ":");
    java.util.Set<String> names = new java.util.TreeSet<>(committed.keySet());
    names.addAll(residentKb.keySet());
    Map<String, Long> result = new java.util.LinkedHashMap<>();
    for (String name : names) {
      Long kb = residentKb.get(name);
      System.out.printf(
          Locale.ROOT,
          "    %-34s committed %5s MiB   resident %5s MiB%n",
          name,
          committed.containsKey(name) ? committed.get(name).toString() : "-",
          kb == null ? "-" : Long.toString(Math.round(kb / 1024.0)));
      if (kb != null) {
        result.put(name, Math.round(kb / 1024.0));
      } else if (residentKb.isEmpty() && committed.containsKey(name)) {
        result.put(name, committed.get(name));
      }
    }
    threads(pid);
    return result;
  }

  /** The process's threads by name, digits dropped (jcmd Thread.print), printed. */
  static void threads(long pid) throws Exception {
    Map<String, Integer> byName = new TreeMap<>();
    Matcher m =
        Pattern.compile("^\"([^\"]*)\"", Pattern.MULTILINE).matcher(jcmd(pid, "Thread.print"));
    while (m.find()) {
      byName.merge(m.group(1).replaceAll("\\d+", "#"), 1, Integer::sum);
    }
    System.out.println(
        "  operator's threads by name ("
            + byName.values().stream().mapToInt(Integer::intValue).sum()
            + " Java threads): "
            + byName);
  }

  /** Resident kB of /proc/PID/smaps by the NMT category of the region each mapping is in. */
  static Map<String, Long> resident(long pid, List<Region> regions) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    String where = null;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
      Matcher m = MAPPING.matcher(line);
      if (m.matches()) {
        long start = Long.parseUnsignedLong(m.group(1), 16);
        String path = m.group(3).trim();
        where = null;
        for (Region r : regions) {
          if (start >= r.start() && start < r.end()) {
            where = r.category();
            break;
          }
        }
        if (where == null) {
          where =
              path.isEmpty() || path.equals("[heap]")
                  ? "(C heap: malloc arenas)"
                  : path.startsWith("[") ? "(" + path + ")" : "(mapped files)";
        }
      } else if (line.startsWith("Rss:") && where != null) {
        out.merge(where, Long.parseLong(line.replaceAll("\\D", "")), Long::sum);
      }
    }
    return out;
  }

  static String jcmd(long pid, String... command) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", command) + ": " + text);
    }
    return text;
  }
}
