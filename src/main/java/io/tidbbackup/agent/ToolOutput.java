package io.tidbbackup.agent;

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

  private String backupTs;
  private Long size;
  private String startTs;
  private String restoreTs;
  private boolean summarySeen;
  private final Map<String, Double> progress = new LinkedHashMap<>();
  private final Deque<String> errors = new ArrayDeque<>();
  private final Deque<String> tail = new ArrayDeque<>();

  /** Feeds one (already redacted) line. */
  public void accept(String line) {
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
        progress.put(m.group(1).trim(), Math.min(100.0, Double.parseDouble(m.group(2))));
      } catch (NumberFormatException ignored) {
        // not a progress line after all
      }
    }
    if (line.contains("success summary") || line.contains("Success summary")) {
      summarySeen = true;
    }
    if (ERROR.matcher(line).find()) {
      push(errors, line);
    }
    push(tail, line);
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

  /** The last error lines, or the last lines when the tool printed no error line. */
  public String errorText() {
    return String.join("\n", errors.isEmpty() ? tail : errors);
  }
}
