package io.tidbbackup.operator.surface;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.BackupScheduleStatus;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.GoDuration;
import io.tidbbackup.api.LogSubCommandStatus;
import io.tidbbackup.api.Progress;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Pure: a status computed by the shared flows, in the shape TiDB Operator v2's CRDs declare.
 * Conditions become valid {@code metav1.Condition}s (a reason that matches the API server's
 * pattern, a message, a transition time, the object's generation as observedGeneration); progress
 * is a whole percentage; fields v2 does not have are left out; a schedule's compaction times take
 * v2's names. Idempotent: the writer compares shaped old and shaped new, so a v2 object is written
 * only when something really changed.
 */
public final class V2Status {
  /** metav1.Condition's reason pattern. */
  static final Pattern REASON = Pattern.compile("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");

  private V2Status() {}

  /** {@code status} as {@code resource}'s group stores it (v1: unchanged). */
  @SuppressWarnings("unchecked")
  public static <S> S shape(HasMetadata resource, S status) {
    if (status == null || ApiSurface.of(resource) != ApiSurface.V2) {
      return status;
    }
    Long generation = resource.getMetadata().getGeneration();
    if (status instanceof BackupStatus b) {
      return (S) backup(b, generation);
    }
    if (status instanceof RestoreStatus r) {
      return (S) restore(r, generation);
    }
    return status;
  }

  static BackupStatus backup(BackupStatus in, Long generation) {
    BackupStatus s = Serde.copy(in, BackupStatus.class);
    s.timeSynced = null;
    s.brOperations = null;
    s.conditions = conditions(s.conditions, generation, false);
    if (s.logSubCommandStatuses != null) {
      for (LogSubCommandStatus l : s.logSubCommandStatuses.values()) {
        l.conditions = conditions(l.conditions, generation, true);
      }
    }
    s.progresses = progresses(s.progresses);
    return s;
  }

  static RestoreStatus restore(RestoreStatus in, Long generation) {
    RestoreStatus s = Serde.copy(in, RestoreStatus.class);
    s.brOperations = null;
    s.replicationStep = null;
    s.conditions = conditions(s.conditions, generation, false);
    s.progresses = progresses(s.progresses);
    return s;
  }

  /**
   * A v2 schedule's status: v1's lastCompactProgress is v2's lastCompactTs, and nextCompactEndTs
   * says when the next compaction is due (the last one's execution plus {@code compactSpan}).
   */
  public static BackupScheduleStatus schedule(
      BackupScheduleStatus in, String compactSpan, Long generation) {
    BackupScheduleStatus s = Serde.copy(in, BackupScheduleStatus.class);
    if (s.lastCompactProgress != null) {
      s.lastCompactTs = s.lastCompactProgress;
    }
    s.lastCompactProgress = null;
    Instant last = Timestamps.parse(s.lastCompactExecutionTs);
    s.nextCompactEndTs = null;
    if (last != null && compactSpan != null && !compactSpan.isEmpty()) {
      try {
        s.nextCompactEndTs = Timestamps.format(last.plus(GoDuration.parse(compactSpan)));
      } catch (IllegalArgumentException e) {
        // an invalid compactSpan is said in the schedule's Invalid condition
      }
    }
    s.conditions = conditions(s.conditions, generation, false);
    return s;
  }

  /** A v2 schedule's stored status, in the names the planner reads (v1's). */
  public static BackupScheduleStatus scheduleIn(BackupScheduleStatus in) {
    if (in == null) {
      return null;
    }
    BackupScheduleStatus s = Serde.copy(in, BackupScheduleStatus.class);
    if (s.lastCompactTs != null) {
      s.lastCompactProgress = s.lastCompactTs;
    }
    s.lastCompactTs = null;
    s.nextCompactEndTs = null;
    return s;
  }

  static List<BackupCondition> conditions(
      List<BackupCondition> in, Long generation, boolean withCommand) {
    if (in == null) {
      return null;
    }
    return in.stream()
        .map(
            c -> {
              BackupCondition n = new BackupCondition(c.type, c.status, reason(c), message(c));
              n.command = withCommand ? c.command : null;
              n.lastTransitionTime =
                  c.lastTransitionTime != null
                      ? c.lastTransitionTime
                      : Timestamps.format(Instant.EPOCH);
              n.observedGeneration = generation;
              return n;
            })
        .toList();
  }

  /** A reason the API server accepts: ours as is, else its valid characters, else the type. */
  static String reason(BackupCondition c) {
    String r = c.reason;
    if (r != null && REASON.matcher(r).matches()) {
      return r;
    }
    String cleaned = r == null ? "" : r.replaceAll("[^A-Za-z0-9_,:]", "");
    cleaned = cleaned.replaceAll("^[^A-Za-z]+", "").replaceAll("[,:]+$", "");
    return cleaned.isEmpty() ? c.type : cleaned;
  }

  private static String message(BackupCondition c) {
    return c.message == null ? "" : c.message;
  }

  static List<Progress> progresses(List<Progress> in) {
    if (in == null) {
      return null;
    }
    for (Progress p : in) {
      if (p.progress != null) {
        p.progress = Math.floor(p.progress);
      }
    }
    return in;
  }

  /**
   * A schedule as the planner reads it: a {@code br.pingcap.com} schedule's v2 names ({@code
   * spec.compactSpan}, {@code status.lastCompactTs}) in v1's ({@code compactInterval}, {@code
   * lastCompactProgress}), in place; v1 schedules are left as they are.
   */
  public static void readV2Names(BackupSchedule bs) {
    if (ApiSurface.of(bs) != ApiSurface.V2) {
      return;
    }
    if (bs.getSpec() != null && bs.getSpec().compactSpan != null) {
      bs.getSpec().compactInterval = bs.getSpec().compactSpan;
    }
    bs.setStatus(scheduleIn(bs.getStatus()));
  }
}
