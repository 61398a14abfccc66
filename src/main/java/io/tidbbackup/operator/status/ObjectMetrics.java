package io.tidbbackup.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.HasPhase;
import io.tidbbackup.api.Timestamps;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Gauges about the objects themselves, computed at scrape time from the last status the operator
 * saw of each (every reconcile reports it through the status writer, so a restarted operator has
 * them again after its first pass). Labels are bounded: a namespace, a cluster, a schedule ("" for
 * a backup of no schedule), a log backup's name, a kind; never a snapshot backup's own name.
 *
 * <ul>
 *   <li>{@code tidb_backup_last_success_timestamp_seconds{namespace,cluster,schedule}}: when the
 *       newest Complete snapshot or Dumpling backup ended ("when did this schedule last succeed");
 *   <li>{@code tidb_backup_last_success_size_bytes{namespace,cluster,schedule}}: its size;
 *   <li>{@code tidb_backup_log_checkpoint_lag_seconds{namespace,name,cluster}}: how far a started
 *       log backup's checkpoint is behind now (the RPO of PiTR), read from PD;
 *   <li>{@code tidb_backup_in_flight{kind}}: backups, restores and compactions Scheduled or Running
 *       (a log backup's task is not a Job in flight);
 *   <li>{@code tidb_backup_retrying{kind}}: backups waiting to retry a failed Job (RetryFailed);
 *   <li>{@code tidb_backup_schedule_interval_seconds{namespace,schedule}}: how often a schedule
 *       fires (between its next two firings), for "no success within the interval" alerts;
 *   <li>{@code tidb_backup_deleting} and {@code tidb_backup_deleting_oldest_seconds}: Backups being
 *       deleted (their clean running) and how long the oldest has been, for "clean stuck" alerts.
 * </ul>
 */
public final class ObjectMetrics {
  /** What one object's last status says, for the gauges. */
  record Seen(
      String kind,
      String namespace,
      String name,
      String cluster,
      String schedule,
      boolean log,
      String phase,
      Instant completed,
      Long size,
      Instant checkpoint,
      Instant deleting,
      Double interval) {}

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Seen> objects = new ConcurrentHashMap<>();
  private final Set<List<String>> successGauges = ConcurrentHashMap.newKeySet();
  private final Set<List<String>> lagGauges = ConcurrentHashMap.newKeySet();
  private final Set<List<String>> intervalGauges = ConcurrentHashMap.newKeySet();
  private final WindowMetrics windows;

  public ObjectMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.windows = new WindowMetrics(registry, clock);
    for (String kind : PhaseMetrics.KINDS) {
      Gauge.builder("tidb_backup_in_flight", () -> count(kind, ObjectMetrics::inFlight))
          .tag("kind", kind)
          .description("Backups, restores and compactions Scheduled or Running now")
          .register(registry);
      Gauge.builder(
              "tidb_backup_retrying",
              () -> count(kind, s -> ConditionTypes.RETRY_FAILED.equals(s.phase())))
          .tag("kind", kind)
          .description("Backups waiting to retry a failed Job (RetryFailed) now")
          .register(registry);
    }
    Gauge.builder(
            "tidb_backup_deleting", () -> objects.values().stream().filter(deleting()).count())
        .description("Backups being deleted now (their data being cleaned)")
        .register(registry);
    Gauge.builder(
            "tidb_backup_deleting_oldest_seconds",
            () ->
                objects.values().stream()
                    .filter(deleting())
                    .map(Seen::deleting)
                    .min(Comparator.naturalOrder())
                    .map(t -> Math.max(0, clock.millis() - t.toEpochMilli()) / 1000.0)
                    .orElse(0.0))
        .description("How long the Backup deleted longest ago has been waiting for its clean")
        .register(registry);
  }

  private static Predicate<Seen> deleting() {
    return s -> s.kind().equals("backup") && s.deleting() != null;
  }

  /** Records what {@code resource}'s status now says. */
  public void observed(CustomResource<?, ?> resource) {
    String uid = resource.getMetadata().getUid();
    if (uid == null) {
      return;
    }
    Seen s = seen(resource, clock);
    objects.put(uid, s);
    windows.observed(resource);
    if (s.kind().equals("backupschedule")) {
      List<String> key = List.of(s.namespace(), s.name());
      if (intervalGauges.add(key)) {
        Gauge.builder(
                "tidb_backup_schedule_interval_seconds",
                () ->
                    objects.values().stream()
                        .filter(x -> x.kind().equals("backupschedule"))
                        .filter(
                            x -> x.namespace().equals(key.get(0)) && x.name().equals(key.get(1)))
                        .map(Seen::interval)
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(Double.NaN))
            .tags(Tags.of("namespace", key.get(0), "schedule", key.get(1)))
            .description("How often a schedule fires: the time between its next two firings")
            .register(registry);
      }
    }
    if (s.kind().equals("backup") && !s.log()) {
      List<String> key = List.of(s.namespace(), s.cluster(), s.schedule());
      if (successGauges.add(key)) {
        Tags tags = Tags.of("namespace", key.get(0), "cluster", key.get(1), "schedule", key.get(2));
        Gauge.builder(
                "tidb_backup_last_success_timestamp_seconds",
                () -> lastSuccess(key).map(x -> x.completed().getEpochSecond()).orElse(null))
            .tags(tags)
            .description(
                "When the newest Complete snapshot or Dumpling backup of a cluster and schedule ended")
            .register(registry);
        Gauge.builder(
                "tidb_backup_last_success_size_bytes",
                () -> lastSuccess(key).map(Seen::size).orElse(null))
            .tags(tags)
            .description("Size of the newest Complete backup of a cluster and schedule")
            .register(registry);
      }
    }
    if (s.log()) {
      List<String> key = List.of(s.namespace(), s.name(), s.cluster());
      if (lagGauges.add(key)) {
        Gauge.builder("tidb_backup_log_checkpoint_lag_seconds", () -> lag(key))
            .tags(Tags.of("namespace", key.get(0), "name", key.get(1), "cluster", key.get(2)))
            .description(
                "How far a started log backup's checkpoint (read from PD) is behind now: the RPO of PiTR")
            .register(registry);
      }
    }
  }

  /** The object is gone. */
  public void forget(String uid) {
    objects.remove(uid);
    windows.forget(uid);
  }

  private double count(String kind, Predicate<Seen> p) {
    return objects.values().stream().filter(s -> s.kind().equals(kind)).filter(p).count();
  }

  static boolean inFlight(Seen s) {
    return !s.log()
        && (ConditionTypes.SCHEDULED.equals(s.phase()) || ConditionTypes.RUNNING.equals(s.phase()));
  }

  private Optional<Seen> lastSuccess(List<String> key) {
    return snapshots(key)
        .filter(s -> ConditionTypes.COMPLETE.equals(s.phase()) && s.completed() != null)
        .max(Comparator.comparing(Seen::completed));
  }

  private Stream<Seen> snapshots(List<String> key) {
    return objects.values().stream()
        .filter(s -> s.kind().equals("backup") && !s.log())
        .filter(
            s ->
                s.namespace().equals(key.get(0))
                    && s.cluster().equals(key.get(1))
                    && s.schedule().equals(key.get(2)));
  }

  /** NaN (no sample) when the log backup is gone, stopped, or has no checkpoint yet. */
  private double lag(List<String> key) {
    return objects.values().stream()
        .filter(s -> s.log() && s.checkpoint() != null)
        .filter(s -> !ConditionTypes.STOPPED.equals(s.phase()))
        .filter(
            s ->
                s.namespace().equals(key.get(0))
                    && s.name().equals(key.get(1))
                    && s.cluster().equals(key.get(2)))
        .findFirst()
        .map(s -> Math.max(0, clock.millis() - s.checkpoint().toEpochMilli()) / 1000.0)
        .orElse(Double.NaN);
  }

  static Seen seen(CustomResource<?, ?> r, Clock clock) {
    String kind = r.getKind().toLowerCase(java.util.Locale.ROOT);
    String phase = r.getStatus() instanceof HasPhase st ? st.currentPhase() : null;
    Map<String, String> labels = r.getMetadata().getLabels();
    String schedule =
        labels == null ? "" : Objects.toString(labels.get(ApiConstants.LABEL_BACKUP_SCHEDULE), "");
    if (r instanceof Backup b) {
      var spec = b.getSpec();
      String cluster =
          spec == null
              ? ""
              : spec.br != null
                  ? Objects.toString(spec.br.cluster, "")
                  : spec.from != null ? Objects.toString(spec.from.host, "") : "";
      var bs = b.getStatus();
      return new Seen(
          kind,
          r.getMetadata().getNamespace(),
          r.getMetadata().getName(),
          cluster,
          schedule,
          spec != null && spec.backupMode == BackupMode.LOG,
          phase,
          bs == null ? null : Timestamps.parse(bs.timeCompleted),
          bs == null ? null : bs.backupSize,
          bs == null ? null : tsoTime(bs.logCheckpointTs),
          Timestamps.parse(r.getMetadata().getDeletionTimestamp()),
          null);
    }
    Double interval = null;
    if ((Object) r instanceof io.tidbbackup.api.BackupSchedule bs && bs.getSpec() != null) {
      interval = WindowMetrics.interval(bs.getSpec(), clock.instant());
    }
    return new Seen(
        kind,
        r.getMetadata().getNamespace(),
        r.getMetadata().getName(),
        "",
        schedule,
        false,
        phase,
        null,
        null,
        null,
        null,
        interval);
  }

  static Instant tsoTime(String ts) {
    if (ts == null || !ts.matches("\\d{10,20}")) {
      return null;
    }
    return Instant.ofEpochMilli(new BigInteger(ts).shiftRight(18).longValue());
  }
}
