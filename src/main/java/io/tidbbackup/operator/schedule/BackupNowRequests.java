package io.tidbbackup.operator.schedule;

import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupNowStatus;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure: the answer to a backup-now request ({@link ApiConstants#BACKUP_NOW_ANNOTATION} on the
 * schedule). A value not yet answered in {@code status.backupNow} makes one snapshot Backup from
 * the template at once (named and labelled as the schedule's others, so retention counts it), or is
 * answered by the Backup already made for it (a status write lost) or by the one the schedule makes
 * in the same reconcile; it is refused while a snapshot backup of the schedule runs. Either way the
 * value is recorded as answered, so one value never makes two Backups: ask again with a new value.
 */
public final class BackupNowRequests {
  public static final String CREATED = "Created";
  public static final String REFUSED = "Refused";

  /**
   * @param create the Backup to create (null: none)
   * @param status what status.backupNow says now
   */
  public record Answer(Backup create, BackupNowStatus status) {}

  private BackupNowRequests() {}

  /** The request not yet answered, or null. */
  public static String pending(BackupSchedule bs) {
    Map<String, String> a = bs.getMetadata().getAnnotations();
    String req = a == null ? null : a.get(ApiConstants.BACKUP_NOW_ANNOTATION);
    if (req == null || req.isBlank()) {
      return null;
    }
    var st = bs.getStatus();
    if (st != null && st.backupNow != null && req.equals(st.backupNow.request)) {
      return null;
    }
    return req;
  }

  /**
   * @param scheduled the Backup the schedule makes in this reconcile, or null
   * @return null when there is no request to answer
   */
  public static Answer answer(
      BackupSchedule bs, List<Backup> children, Backup scheduled, Instant now) {
    String req = pending(bs);
    if (req == null) {
      return null;
    }
    Backup made =
        children.stream()
            .filter(
                b ->
                    b.getMetadata().getAnnotations() != null
                        && req.equals(
                            b.getMetadata()
                                .getAnnotations()
                                .get(ApiConstants.BACKUP_NOW_REQUEST_ANNOTATION)))
            .findFirst()
            .orElse(null);
    if (made != null) {
      return new Answer(null, status(req, CREATED, made.getMetadata().getName(), null, now));
    }
    if (scheduled != null) {
      mark(scheduled, req);
      return new Answer(
          null,
          status(
              req,
              CREATED,
              scheduled.getMetadata().getName(),
              "the schedule's own firing in the same reconcile serves it",
              now));
    }
    Backup running =
        SchedulePlanner.newestSnapshot(children).filter(b -> !Retention.finished(b)).orElse(null);
    if (running != null) {
      return new Answer(
          null,
          status(
              req,
              REFUSED,
              null,
              "backup "
                  + running.getMetadata().getName()
                  + " of this schedule is running; set a new value of "
                  + ApiConstants.BACKUP_NOW_ANNOTATION
                  + " to ask again once it has ended",
              now));
    }
    Backup b = ScheduleChildren.snapshot(bs, now);
    mark(b, req);
    return new Answer(b, status(req, CREATED, b.getMetadata().getName(), null, now));
  }

  private static void mark(Backup b, String req) {
    Map<String, String> a =
        b.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(b.getMetadata().getAnnotations());
    a.put(ApiConstants.BACKUP_NOW_REQUEST_ANNOTATION, req);
    b.getMetadata().setAnnotations(a);
  }

  private static BackupNowStatus status(
      String req, String outcome, String backup, String message, Instant now) {
    BackupNowStatus s = new BackupNowStatus();
    s.request = req;
    s.outcome = outcome;
    s.backup = backup;
    s.message = message;
    s.time = Timestamps.format(now);
    return s;
  }
}
