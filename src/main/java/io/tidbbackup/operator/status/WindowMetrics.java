package io.tidbbackup.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.GoDuration;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.recovery.RecoveryRanges;
import io.tidbbackup.operator.recovery.Restorable;
import io.tidbbackup.operator.recovery.Tso;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recovery window as gauges, computed at scrape time (docs/operations.md):
 *
 * <ul>
 *   <li>{@code tidb_backup_restorable_earliest_timestamp_seconds{namespace,cluster}} and {@code
 *       …_latest_…}: the earliest and latest point the cluster's BR Backups in a namespace can
 *       restore to ({@link RecoveryRanges}), from the last status seen of each;
 *   <li>{@code tidb_backup_schedule_restorable_window_seconds{namespace,schedule}}: a schedule's
 *       window (latest minus earliest) from its status.recoveryWindow;
 *   <li>{@code tidb_backup_schedule_promised_window_seconds{namespace,schedule}}: what its
 *       retention promises: {@code maxReservedTime} with a log backup (retention keeps the newest
 *       expired snapshot as the base), less two intervals without one (the oldest snapshot kept is
 *       inside it, the newest up to an interval old); no sample without maxReservedTime or before
 *       the schedule is that old.
 * </ul>
 */
public final class WindowMetrics {
  record Seen(String namespace, String cluster, Restorable facts) {}

  record Schedule(String namespace, String name, Double window, Double promised) {}

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Seen> backups = new ConcurrentHashMap<>();
  private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();
  private final Set<List<String>> clusterGauges = ConcurrentHashMap.newKeySet();
  private final Set<List<String>> scheduleGauges = ConcurrentHashMap.newKeySet();

  public WindowMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  public void observed(CustomResource<?, ?> r) {
    String uid = r.getMetadata().getUid();
    if (uid == null) {
      return;
    }
    if (r instanceof Backup b) {
      Restorable facts = Restorable.of(b);
      if (facts == null) {
        backups.remove(uid);
        return;
      }
      List<String> key = List.of(b.getMetadata().getNamespace(), facts.cluster());
      backups.put(uid, new Seen(key.get(0), key.get(1), facts));
      if (clusterGauges.add(key)) {
        Tags tags = Tags.of("namespace", key.get(0), "cluster", key.get(1));
        Gauge.builder("tidb_backup_restorable_earliest_timestamp_seconds", () -> bound(key, true))
            .tags(tags)
            .description("The earliest point a cluster's BR backups in a namespace can restore to")
            .register(registry);
        Gauge.builder("tidb_backup_restorable_latest_timestamp_seconds", () -> bound(key, false))
            .tags(tags)
            .description("The latest point a cluster's BR backups in a namespace can restore to")
            .register(registry);
      }
    } else if ((Object) r instanceof BackupSchedule bs) {
      Schedule s = schedule(bs, clock.instant());
      schedules.put(uid, s);
      List<String> key = List.of(s.namespace(), s.name());
      if (scheduleGauges.add(key)) {
        Tags tags = Tags.of("namespace", key.get(0), "schedule", key.get(1));
        Gauge.builder(
                "tidb_backup_schedule_restorable_window_seconds",
                () -> ofSchedule(key, Schedule::window))
            .tags(tags)
            .description("How long a schedule's recovery window is (latest minus earliest point)")
            .register(registry);
        Gauge.builder(
                "tidb_backup_schedule_promised_window_seconds",
                () -> ofSchedule(key, Schedule::promised))
            .tags(tags)
            .description("The recovery window a schedule's maxReservedTime promises")
            .register(registry);
      }
    }
  }

  public void forget(String uid) {
    backups.remove(uid);
    schedules.remove(uid);
  }

  private double bound(List<String> key, boolean earliest) {
    List<Restorable> facts =
        backups.values().stream()
            .filter(s -> s.namespace().equals(key.get(0)) && s.cluster().equals(key.get(1)))
            .map(Seen::facts)
            .toList();
    var ranges = RecoveryRanges.ranges(facts);
    if (ranges.isEmpty()) {
      return Double.NaN;
    }
    long ts =
        earliest
            ? ranges.stream().mapToLong(RecoveryRanges.Range::from).min().getAsLong()
            : ranges.stream().mapToLong(RecoveryRanges.Range::to).max().getAsLong();
    return Tso.instant(ts).toEpochMilli() / 1000.0;
  }

  private double ofSchedule(List<String> key, java.util.function.Function<Schedule, Double> value) {
    return schedules.values().stream()
        .filter(s -> s.namespace().equals(key.get(0)) && s.name().equals(key.get(1)))
        .map(value)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(Double.NaN);
  }

  static Schedule schedule(BackupSchedule bs, Instant now) {
    var w = bs.getStatus() == null ? null : bs.getStatus().recoveryWindow;
    Long from = w == null ? null : Tso.of(w.earliestTs);
    Long to = w == null ? null : Tso.of(w.latestTs);
    Double window =
        from == null || to == null
            ? null
            : (Tso.instant(to).toEpochMilli() - Tso.instant(from).toEpochMilli()) / 1000.0;
    return new Schedule(
        bs.getMetadata().getNamespace(), bs.getMetadata().getName(), window, promised(bs, now));
  }

  /** Seconds the retention promises, or null (see the class comment). */
  static Double promised(BackupSchedule bs, Instant now) {
    var spec = bs.getSpec();
    if (spec == null || spec.maxReservedTime == null || !GoDuration.isValid(spec.maxReservedTime)) {
      return null;
    }
    Duration keep = GoDuration.parse(spec.maxReservedTime);
    Instant created = Timestamps.parse(bs.getMetadata().getCreationTimestamp());
    if (created == null || created.plus(keep).isAfter(now)) {
      return null;
    }
    if (spec.logBackupTemplate != null) {
      return (double) keep.toSeconds();
    }
    Double interval = interval(spec, now);
    return interval == null ? null : Math.max(0, keep.toSeconds() - 2 * interval);
  }

  /** Seconds between the schedule's next two firings; null when its cron cannot be read. */
  static Double interval(io.tidbbackup.api.BackupScheduleSpec spec, Instant now) {
    try {
      var cron = io.tidbbackup.api.Cron.parse(spec.schedule);
      java.time.ZoneId zone =
          spec.timeZone == null || spec.timeZone.isEmpty()
              ? java.time.ZoneOffset.UTC
              : java.time.ZoneId.of(spec.timeZone);
      var first = cron.next(now.atZone(zone), zone);
      var second = cron.next(first, zone);
      return first == null || second == null
          ? null
          : (double) java.time.Duration.between(first, second).toSeconds();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
