package io.tidbbackup.agent;

import io.tidbbackup.api.AgentProtocol;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what BR, Dumpling and Lightning print, line by line, tolerant of log prefixes and field
 * order: the snapshot TS ({@code BackupTS=}, {@code start-ts=}, {@code restore-ts=}), the size
 * ({@code Size=}), and the last error lines.
 */
public final class ToolOutput {
  private static final Pattern BACKUP_TS = Pattern.compile("\\bBackupTS=(\\d+)");
  private static final Pattern SIZE = Pattern.compile("\\[Size=(\\d+)]|\\bSize=(\\d+)\\b");
  private static final Pattern START_TS = Pattern.compile("\\bstart-ts=(\\d+)");
  private static final Pattern RESTORE_TS =
      Pattern.compile("\\b(?:restore-ts|RestoreTS|restored-ts)=(\\d+)");

  /**
   * BR's progress: {@code [progress] [step="Full Restore"] [progress=45.23%]} or a bar {@code Full
   * Restore <--> 45.23%}.
   */
  private static final Pattern PROGRESS_LOG =
      Pattern.compile("\\[step=\"?([^\"\\]]+)\"?].*?\\[progress=([0-9.]+)%]");

  private static final Pattern PROGRESS_BAR =
      Pattern.compile("^\\s*([A-Za-z][A-Za-z ]*?)\\s+<[-/|\\\\>. ]*>\\s+([0-9.]+)%");
  private static final Pattern RESTORE_TO = Pattern.compile("\\brestore-to=(\\d+)");
  private static final Pattern ERROR =
      Pattern.compile("\\[(ERROR|FATAL)]|^Error:|^error:|\\bpanic:");
  static final int ERROR_LINES = 5;
  static final String COMPACTION_DONE = "Finishing compaction.";
  static final String COMPACTION_STEP = "Compaction";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private String backupTs;
  private Long size;
  private String startTs;
  private String restoreTs;
  private boolean summarySeen;
  private boolean usagePrinted;
  private final Map<String, Double> progress = new LinkedHashMap<>();
  private final Map<String, Double> reported = new LinkedHashMap<>();
  private AgentProtocol.StepProgress toReport;
  private final java.util.List<io.tidbbackup.api.BrOperation> operations =
      new java.util.ArrayList<>();
  private io.tidbbackup.api.BrOperation operationToReport;
  private final Deque<String> errors = new ArrayDeque<>();
  private final Deque<String> tail = new ArrayDeque<>();

  /** Feeds one (already redacted) line. */
  public void accept(String line) {
    if (line.startsWith("Usage:")) {
      usagePrinted = true;
    }
    Matcher m = BACKUP_TS.matcher(line);
    if (m.find()) {
      backupTs = m.group(1);
    }
    m = SIZE.matcher(line);
    if (m.find()) {
      size = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
    }
    m = START_TS.matcher(line);
    if (m.find()) {
      startTs = m.group(1);
    }
    m = RESTORE_TS.matcher(line);
    if (m.find()) {
      restoreTs = m.group(1);
    }
    m = RESTORE_TO.matcher(line);
    if (m.find()) {
      restoreTs = m.group(1);
    }
    m = PROGRESS_LOG.matcher(line);
    if (!m.find()) {
      m = PROGRESS_BAR.matcher(line);
      m = m.find() ? m : null;
    }
    if (m != null) {
      try {
        progressed(m.group(1).trim(), Math.min(100.0, Double.parseDouble(m.group(2))), null);
      } catch (NumberFormatException ignored) {
        // not a progress line after all
      }
    }
    if (line.startsWith("{") && line.contains(COMPACTION_DONE)) {
      compaction(line);
    }
    io.tidbbackup.api.BrOperation op = BrOperationLine.parse(line, java.time.Instant.now());
    if (op != null) {
      operations.add(op);
      operationToReport = op;
    }
    if (line.contains("success summary") || line.contains("Success summary")) {
      summarySeen = true;
    }
    if (ERROR.matcher(line).find()) {
      push(errors, line);
    }
    push(tail, line);
  }

  /**
   * tikv-ctl compact-log-backup's JSON log line {@code "Finishing compaction."} with {@code
   * meta_completed/meta_total} and {@code bytes_compacted/bytes_to_compact} (TiDB Operator's
   * cmd/backup-manager/app/compact/manager.go reads the same), as step {@value #COMPACTION_STEP}
   * with TiDB Operator's progress text.
   */
  private void compaction(String line) {
    try {
      com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(line);
      if (!COMPACTION_DONE.equals(n.path("Message").asText())) {
        return;
      }
      long metaDone = n.path("meta_completed").asLong();
      long metaTotal = n.path("meta_total").asLong();
      long bytesDone = n.path("bytes_compacted").asLong();
      long bytesTotal = n.path("bytes_to_compact").asLong();
      double pct =
          bytesTotal > 0
              ? 100.0 * bytesDone / bytesTotal
              : metaTotal > 0 ? 100.0 * metaDone / metaTotal : 0;
      progressed(
          COMPACTION_STEP,
          Math.min(100.0, pct),
          "[READ_META(%d/%d),COMPACT_WORK(%d/%d)]"
              .formatted(metaDone, metaTotal, bytesDone, bytesTotal));
    } catch (java.io.IOException | RuntimeException ignored) {
      // not tikv-ctl's JSON after all
    }
  }

  /**
   * Records a step's progress; it is to be reported when the step is new, has moved by a point or
   * more since it was last reported, or has reached 100 %.
   */
  private void progressed(String step, double pct, String detail) {
    progress.put(step, pct);
    Double last = reported.get(step);
    if (last == null || pct - last >= 1.0 || (pct >= 100.0 && last < 100.0)) {
      reported.put(step, pct);
      toReport = new AgentProtocol.StepProgress(step, pct, detail);
    }
  }

  /** The progress to print now (once), or null. */
  public AgentProtocol.StepProgress takeProgress() {
    AgentProtocol.StepProgress p = toReport;
    toReport = null;
    return p;
  }

  /** The BR operation to print now (once), or null. */
  public io.tidbbackup.api.BrOperation takeOperation() {
    io.tidbbackup.api.BrOperation op = operationToReport;
    operationToReport = null;
    return op;
  }

  /** The BR operations seen, oldest first (the last ten), or null when none. */
  public java.util.List<io.tidbbackup.api.BrOperation> brOperations() {
    return operations.isEmpty()
        ? null
        : java.util.List.copyOf(
            operations.subList(Math.max(0, operations.size() - 10), operations.size()));
  }

  private static void push(Deque<String> q, String line) {
    q.addLast(line.length() > 600 ? line.substring(0, 600) + "…" : line);
    while (q.size() > ERROR_LINES) {
      q.removeFirst();
    }
  }

  public String backupTs() {
    return backupTs;
  }

  public Long size() {
    return size;
  }

  public String startTs() {
    return startTs;
  }

  public String restoreTs() {
    return restoreTs;
  }

  public boolean summarySeen() {
    return summarySeen;
  }

  /** The last progress of each step, in the order the steps first appeared. */
  public Map<String, Double> progress() {
    return new LinkedHashMap<>(progress);
  }

  /** The last progress of each step as status entries, or null when the tool reported none. */
  public java.util.List<io.tidbbackup.api.Progress> progresses() {
    if (progress.isEmpty()) {
      return null;
    }
    java.util.List<io.tidbbackup.api.Progress> out = new java.util.ArrayList<>();
    progress.forEach(
        (step, pct) -> {
          io.tidbbackup.api.Progress p = new io.tidbbackup.api.Progress();
          p.step = step;
          p.progress = pct;
          out.add(p);
        });
    return out;
  }

  /** The last error lines, or the last lines when the tool printed no error line. */
  public String errorText() {
    String text = String.join("\n", errors.isEmpty() ? tail : errors);
    return usagePrinted ? USAGE_EXIT_0 + (text.isEmpty() ? "" : "\n" + text) : text;
  }

  static final String USAGE_EXIT_0 =
      "the tool printed its usage and exited 0: it did not run the command (a subcommand or flag"
          + " this release does not have)";

  /**
   * The exit code to go by: a cobra tool (BR, Dumpling) that prints its usage for a command it does
   * not have exits 0 having done nothing, which is a failure, not a success.
   */
  public int exitCode(int processExit) {
    return processExit == 0 && usagePrinted ? 1 : processExit;
  }
}
