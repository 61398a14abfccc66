package io.tidbbackup.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contract between the operator and the agent that runs inside its Jobs, defined once for both
 * sides: the agent's subcommands and options (what a Job's main container gets as args), the main
 * containers' names, the clean progress line (stderr, read from the pod log), and the termination
 * message: one {@link AgentResult} for every agent, a clean's {@link CleanReport} in {@link
 * AgentResult#clean}.
 */
public final class AgentProtocol {
  /** The main containers, named after the agent subcommand they run. */
  public static final String BACKUP = "backup";

  public static final String RESTORE = "restore";
  public static final String COMPACT = "compact";
  public static final String CLEAN = "clean";

  /** The agent's options ({@code --name=value}). */
  public static final String NAMESPACE = "namespace";

  public static final String BACKUP_NAME = "backupName";
  public static final String RESTORE_NAME = "restoreName";
  public static final String COMPACT_NAME = "compactName";
  public static final String TIKV_VERSION = "tikvVersion";

  /**
   * The release of the tool the Job runs, when its image's tag names one other than {@link
   * #TIKV_VERSION} (spec.toolImage with a tag of its own).
   */
  public static final String TOOL_VERSION = "toolVersion";

  /** host:port of PD, when it is not {@code <cluster>-pd.<namespace>:2379} (a v2 PDGroup). */
  public static final String PD = "pd";

  public static final String MODE = "mode";
  public static final String SUBCOMMAND = "subcommand";
  public static final String ABORT = "abort";
  public static final String CLUSTER_TLS = "cluster-tls";
  public static final String CLIENT_TLS = "client-tls";
  public static final String OUTPUT_NAME = "output-name";
  public static final String BACKUP_PATH = "backupPath";

  /**
   * The agent's exit code when it refuses its input before doing anything (nothing deleted, no tool
   * run).
   */
  public static final int REFUSED = 2;

  private static final Pattern PROGRESS =
      Pattern.compile("progress listed=(\\d+) deleted=(\\d+) failed=(\\d+)");

  private AgentProtocol() {}

  /** {@code --name=value}. */
  public static String option(String name, Object value) {
    return "--" + name + "=" + value;
  }

  /** What a clean has done so far: objects listed, deleted, and failed in the current round. */
  public record CleanProgress(long listed, long deleted, long failed) {
    /** The line the clean agent prints on stderr. */
    public String line() {
      return "progress listed=" + listed + " deleted=" + deleted + " failed=" + failed;
    }

    /** The last progress line in a log, or null. */
    public static CleanProgress last(String log) {
      Matcher m = PROGRESS.matcher(log == null ? "" : log);
      CleanProgress last = null;
      while (m.find()) {
        last =
            new CleanProgress(
                Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
      }
      return last;
    }
  }

  private static final Pattern STEP_PROGRESS =
      Pattern.compile(
          "tidb-backup-operator progress step=\"([^\"]*)\" percent=([0-9.]+)(?: detail=\"([^\"]*)\")?");

  /**
   * How far a tool got in one step, as the agent prints it on stdout (a line of its own) each time
   * the step's percentage moves by a point or more; the operator reads the last one of each step
   * from the pod log while the Job runs.
   *
   * @param detail the tool's own words for it (tikv-ctl's {@code
   *     [READ_META(a/b),COMPACT_WORK(c/d)]}), or null
   */
  public record StepProgress(String step, double percent, String detail) {
    public StepProgress {
      step = step.replace('"', '\'');
      detail = detail == null ? null : detail.replace('"', '\'');
    }

    public String line() {
      return "tidb-backup-operator progress step=\""
          + step
          + "\" percent="
          + String.format(java.util.Locale.ROOT, "%.2f", percent)
          + (detail == null ? "" : " detail=\"" + detail + "\"");
    }

    /** The last progress of each step in a log, in the order the steps first appear. */
    public static java.util.List<StepProgress> latest(String log) {
      Matcher m = STEP_PROGRESS.matcher(log == null ? "" : log);
      java.util.Map<String, StepProgress> steps = new java.util.LinkedHashMap<>();
      while (m.find()) {
        try {
          steps.put(
              m.group(1), new StepProgress(m.group(1), Double.parseDouble(m.group(2)), m.group(3)));
        } catch (NumberFormatException ignored) {
          // a line cut in the middle
        }
      }
      return java.util.List.copyOf(steps.values());
    }
  }

  private static final String BR_OPERATION = "tidb-backup-operator br-operation ";

  /**
   * A BR operation the agent saw start (BR's "BR operation started" line), as it prints it on
   * stdout, a line of its own, once per operation; the operator reads them from the pod log while
   * the Job runs (and from {@link AgentResult#brOperations} when it has ended).
   */
  public static String operationLine(BrOperation op) {
    return BR_OPERATION + Serde.json(op);
  }

  /** The operations printed in a log, in the order they were printed. */
  public static java.util.List<BrOperation> operations(String log) {
    java.util.List<BrOperation> out = new java.util.ArrayList<>();
    for (String line : (log == null ? "" : log).split("\n")) {
      int at = line.indexOf(BR_OPERATION);
      if (at < 0) {
        continue;
      }
      try {
        BrOperation op =
            Serde.fromJson(line.substring(at + BR_OPERATION.length()).trim(), BrOperation.class);
        if (op != null && op.operationID != null && !op.operationID.isEmpty()) {
          out.add(op);
        }
      } catch (RuntimeException ignored) {
        // a line cut in the middle
      }
    }
    return out;
  }

  /** What a running Job's agent has printed so far: each step's last progress, the operations. */
  public record Reported(
      java.util.List<StepProgress> steps, java.util.List<BrOperation> operations) {
    public static Reported of(String log) {
      return new Reported(StepProgress.latest(log), AgentProtocol.operations(log));
    }
  }

  /**
   * The termination message of a clean that ran: success only when the prefix was verified empty.
   */
  public static AgentResult cleanResult(CleanReport report) {
    AgentResult r = new AgentResult();
    r.success = report.verified() || Boolean.TRUE.equals(report.dryRun());
    r.exitCode = r.success ? 0 : 1;
    r.error = report.error();
    r.clean = report;
    return r;
  }

  /** The termination message of an agent that refused its input ({@link #REFUSED}). */
  public static AgentResult refusal(String error) {
    AgentResult r = new AgentResult();
    r.success = false;
    r.exitCode = REFUSED;
    r.error = error;
    return r;
  }
}
