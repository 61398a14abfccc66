package io.tidbbackup.operator.schedule;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.BackupScheduleSpec;
import io.tidbbackup.api.BackupScheduleStatus;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Cron;
import io.tidbbackup.api.GoDuration;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.validation.BackupValidator;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pure: (schedule, its child Backups, now) → what to do. One snapshot backup per cron firing; a
 * firing missed while the operator was down or the previous backup was still running gives one
 * catch-up backup (for the latest missed firing), never a burst; no backup starts while the
 * previous one runs; {@code pause} stops new backups but not retention; the log backup is created
 * once.
 */
public final class SchedulePlanner {
  /**
   * How often to look again while the previous backup still runs (its own status change wakes us
   * sooner).
   */
  static final Duration BUSY_RECHECK = Duration.ofSeconds(30);

  static final int MAX_MISSED = 1_000_000;

  public record Plan(
      Backup create,
      Backup createLog,
      List<Backup> delete,
      String truncateLogTo,
      BackupScheduleStatus status,
      Instant wakeAt,
      String waiting,
      CompactBackup createCompact) {

    Plan withCompact(CompactBackup c, Instant compactWake) {
      Instant wake = compactWake != null && compactWake.isBefore(wakeAt) ? compactWake : wakeAt;
      return new Plan(create, createLog, delete, truncateLogTo, status, wake, waiting, c);
    }
  }

  private SchedulePlanner() {}

  /** The spec problems, each naming its field; empty when the schedule can run. */
  public static List<String> problems(BackupScheduleSpec spec) {
    List<String> errors = new ArrayList<>();
    if (spec == null) {
      errors.add("spec is required");
      return errors;
    }
    try {
      Cron.parse(spec.schedule);
    } catch (IllegalArgumentException e) {
      errors.add("spec.schedule \"" + spec.schedule + "\": " + e.getMessage());
    }
    if (spec.timeZone != null && !spec.timeZone.isEmpty()) {
      try {
        ZoneId.of(spec.timeZone);
      } catch (DateTimeException e) {
        errors.add(
            "spec.timeZone \"" + spec.timeZone + "\" is not a time zone like UTC or Asia/Shanghai");
      }
    }
    if (spec.maxReservedTime != null
        && !spec.maxReservedTime.isEmpty()
        && !GoDuration.isValid(spec.maxReservedTime)) {
      errors.add(
          "spec.maxReservedTime \"" + spec.maxReservedTime + "\" is not a duration like 72h");
    }
    if (spec.maxBackups != null && spec.maxBackups < 0) {
      errors.add("spec.maxBackups must not be negative");
    }
    if (spec.backupTemplate == null) {
      errors.add("spec.backupTemplate is required");
    } else {
      BackupValidator.problems(ScheduleChildren.template(spec, spec.backupTemplate), null).stream()
          .findFirst()
          .ifPresent(p -> errors.add("spec.backupTemplate" + p.substring(Math.min(4, p.length()))));
      if (spec.backupTemplate.backupMode == BackupMode.LOG) {
        errors.add(
            "spec.backupTemplate.backupMode must be snapshot; put a log backup in spec.logBackupTemplate");
      }
    }
    if (spec.compactBackupTemplate != null) {
      if (spec.logBackupTemplate == null) {
        errors.add(
            "spec.compactBackupTemplate needs spec.logBackupTemplate: it compacts the log backup's data");
      }
      if (spec.compactInterval == null || spec.compactInterval.isEmpty()) {
        errors.add(
            "spec.compactInterval is required with spec.compactBackupTemplate (a duration like 6h)");
      }
    }
    if (spec.compactInterval != null
        && !spec.compactInterval.isEmpty()
        && !GoDuration.isValid(spec.compactInterval)) {
      errors.add("spec.compactInterval \"" + spec.compactInterval + "\" is not a duration like 6h");
    }
    if (spec.logBackupTemplate != null) {
      io.tidbbackup.api.BackupSpec log = ScheduleChildren.template(spec, spec.logBackupTemplate);
      log.backupMode = BackupMode.LOG;
      BackupValidator.problems(log, null).stream()
          .findFirst()
          .ifPresent(
              p -> errors.add("spec.logBackupTemplate" + p.substring(Math.min(4, p.length()))));
    }
    return errors;
  }

  public static Plan plan(BackupSchedule bs, List<Backup> children, Instant now) {
    return plan(bs, children, List.of(), now);
  }

  public static Plan plan(
      BackupSchedule bs, List<Backup> children, List<CompactBackup> compacts, Instant now) {
    Plan p = planBackups(bs, children, now);
    return compaction(bs, children, compacts, p, now);
  }

  /**
   * Every {@code compactInterval}, one CompactBackup of the log backup's data from where the last
   * completed one ended (else the log backup's start; never before {@code minCompactStartTs}) up to
   * the log checkpoint, at most three intervals at a time (TiDB Operator's createCompact); a failed
   * one is retried over the same range at the next interval; none while one runs, before the
   * checkpoint is known, or before the log backup has run for one interval.
   */
  static Plan compaction(
      BackupSchedule bs, List<Backup> children, List<CompactBackup> compacts, Plan p, Instant now) {
    BackupScheduleSpec spec = bs.getSpec();
    if (spec.compactBackupTemplate == null
        || spec.compactInterval == null
        || spec.compactInterval.isEmpty()
        || Boolean.TRUE.equals(spec.pause)) {
      return p;
    }
    String logName = ScheduleChildren.logName(bs);
    Backup log =
        children.stream()
            .filter(b -> b.getMetadata().getName().equals(logName))
            .findFirst()
            .orElse(null);
    if (log == null || log.getStatus() == null || log.getStatus().commitTs == null) {
      return p;
    }
    // as upstream, nothing is compacted before the log backup's checkpoint is known, nor past it:
    // the logs after it are not all written yet
    Instant checkpoint = Retention.tsoTime(log.getStatus().logCheckpointTs);
    Instant logStart = Retention.tsoTime(log.getStatus().commitTs);
    if (checkpoint == null || logStart == null) {
      return p;
    }
    List<CompactBackup> sorted = new ArrayList<>(compacts);
    sorted.sort(
        Comparator.comparing(
                (CompactBackup c) -> Objects.toString(c.getMetadata().getCreationTimestamp(), ""))
            .reversed());
    if (!sorted.isEmpty() && !Retention.FINISHED.contains(state(sorted.get(0)))) {
      return p;
    }
    Instant last = Timestamps.parse(p.status().lastCompactExecutionTs);
    Duration interval = GoDuration.parse(spec.compactInterval);
    if (last != null && now.isBefore(last.plus(interval))) {
      return p.withCompact(null, last.plus(interval));
    }
    String start =
        Timestamps.toTso(
            sorted.stream()
                .filter(c -> ConditionTypes.COMPLETE.equals(state(c)))
                .findFirst()
                .map(c -> c.getSpec().endTs)
                .orElse(log.getStatus().commitTs));
    String min = Timestamps.toTso(spec.minCompactStartTs);
    if (Retention.isTso(min) && Retention.isAfter(min, start)) {
      start = min;
    }
    Instant from = Retention.tsoTime(start);
    if (from == null || !from.isBefore(checkpoint)) {
      return p;
    }
    // upstream's calEndTs: the checkpoint, or three intervals when it is further ahead
    Instant to =
        Duration.between(from, checkpoint).compareTo(interval.multipliedBy(3)) < 0
            ? checkpoint
            : from.plus(interval.multipliedBy(3));
    if (Duration.between(logStart, to).compareTo(interval) < 0) {
      return p; // the log backup has not run for one interval yet
    }
    String end =
        to.equals(checkpoint)
            ? log.getStatus().logCheckpointTs
            : Timestamps.toTso(Timestamps.format(to));
    CompactBackup c = ScheduleChildren.compact(bs, log, start, end, now);
    p.status().lastCompact = c.getMetadata().getName();
    p.status().lastCompactExecutionTs = Timestamps.format(now);
    p.status().lastCompactProgress = start;
    return p.withCompact(c, now.plus(interval));
  }

  static String state(CompactBackup c) {
    return c.getStatus() == null ? null : c.getStatus().state;
  }

  static Plan planBackups(BackupSchedule bs, List<Backup> children, Instant now) {
    BackupScheduleSpec spec = bs.getSpec();
    BackupScheduleStatus st =
        bs.getStatus() == null
            ? new BackupScheduleStatus()
            : Serde.copy(bs.getStatus(), BackupScheduleStatus.class);
    // Invalid is said again by each reconcile that finds it; the backup-now answer stays
    st.conditions =
        st.conditions == null
            ? null
            : st.conditions.stream().filter(c -> ConditionTypes.BACKUP_NOW.equals(c.type)).toList();
    st.conditions = st.conditions == null || st.conditions.isEmpty() ? null : st.conditions;
    boolean paused = Boolean.TRUE.equals(spec.pause);
    String logName = ScheduleChildren.logName(bs);
    Backup log =
        children.stream()
            .filter(b -> b.getMetadata().getName().equals(logName))
            .findFirst()
            .orElse(null);

    Duration reserve =
        spec.maxReservedTime == null || spec.maxReservedTime.isEmpty()
            ? null
            : GoDuration.parse(spec.maxReservedTime);
    boolean compacting = spec.compactBackupTemplate != null;
    Retention.Decision retention =
        Retention.decide(
            children,
            spec.maxBackups,
            reserve,
            log,
            compacting,
            compacting ? Timestamps.toTso(st.lastCompactProgress) : null,
            now);

    Backup createLog = null;
    if (spec.logBackupTemplate != null && log == null && !paused && st.logBackup == null) {
      createLog = ScheduleChildren.log(bs, now);
      st.logBackup = createLog.getMetadata().getName();
      st.logBackupStartTs = Timestamps.format(now);
    }

    Cron cron = Cron.parse(spec.schedule);
    ZoneId zone =
        spec.timeZone == null || spec.timeZone.isEmpty()
            ? ZoneOffset.UTC
            : ZoneId.of(spec.timeZone);
    Instant base =
        Optional.ofNullable(Timestamps.parse(st.lastBackupTime))
            .orElse(
                Optional.ofNullable(Timestamps.parse(bs.getMetadata().getCreationTimestamp()))
                    .orElse(now));
    ZonedDateTime fire = cron.next(base.atZone(zone), zone);
    if (fire.toInstant().isAfter(now)) {
      return new Plan(
          null,
          createLog,
          retention.delete(),
          retention.truncateLogTo(),
          st,
          fire.toInstant(),
          null,
          null);
    }
    // the latest firing at or before now: one catch-up backup for everything missed
    int missed = 0;
    ZonedDateTime next = cron.next(fire, zone);
    while (!next.toInstant().isAfter(now) && missed++ < MAX_MISSED) {
      fire = next;
      next = cron.next(fire, zone);
    }
    if (paused) {
      return new Plan(
          null,
          createLog,
          retention.delete(),
          retention.truncateLogTo(),
          st,
          next.toInstant(),
          "paused",
          null);
    }
    Backup running = newestSnapshot(children).filter(b -> !Retention.finished(b)).orElse(null);
    if (running != null) {
      return new Plan(
          null,
          createLog,
          retention.delete(),
          retention.truncateLogTo(),
          st,
          now.plus(BUSY_RECHECK),
          "backup " + running.getMetadata().getName() + " is still running",
          null);
    }
    Backup create = ScheduleChildren.snapshot(bs, fire.toInstant());
    st.lastBackup = create.getMetadata().getName();
    st.lastBackupTime = Timestamps.format(fire.toInstant());
    return new Plan(
        create,
        createLog,
        retention.delete(),
        retention.truncateLogTo(),
        st,
        next.toInstant(),
        null,
        null);
  }

  static Optional<Backup> newestSnapshot(List<Backup> children) {
    return children.stream()
        .filter(b -> b.getMetadata().getDeletionTimestamp() == null)
        .filter(b -> b.getSpec() == null || b.getSpec().backupMode != BackupMode.LOG)
        .max(Comparator.comparing(Retention::createdAt));
  }
}
