package io.tidbbackup.operator.restore;

import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSource;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreStatus;
import io.tidbbackup.operator.kernel.ReconcileContext;
import io.tidbbackup.operator.recovery.RecoveryRanges;
import io.tidbbackup.operator.recovery.Restorable;
import io.tidbbackup.operator.recovery.Tso;
import io.tidbbackup.operator.run.InProcessCredentials;
import io.tidbbackup.operator.run.StoragePreflight;
import io.tidbbackup.operator.settings.ReconcileIntervals;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.surface.ApiSurface;
import io.tidbbackup.operator.validation.RestoreValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Restore with {@code spec.backupSource}, before its Job: the Backups it names read, the snapshot
 * and log backup for the target chosen ({@link RecoveryRanges}), a target outside the window
 * refused as {@code Invalid} with the window named, and the storage listed ({@link
 * StoragePreflight}: the snapshot's {@code backupmeta}, the log backup's metadata) before the
 * choice is said in status.backupSource, a condition, an Event and a log line. After the Job
 * exists, {@link #recorded} rebuilds the restore that runs from the Backups status names.
 */
final class RestoreSources {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RestoreSources.class);

  /** Either the restore to start now, or what the reconcile returns instead. */
  record Resolution(Restore resolved, UpdateControl<Restore> control) {}

  private final KubernetesClient client;
  private final StoragePreflight preflight;
  private final ReconcileIntervals intervals;

  RestoreSources(
      KubernetesClient client, StoragePreflight preflight, ReconcileIntervals intervals) {
    this.client = client;
    this.preflight = preflight;
    this.intervals = intervals;
  }

  Resolution resolve(ReconcileContext<Restore, RestoreStatus> b, Restore restore) {
    BackupSource src = restore.getSpec().backupSource;
    String ns = restore.getMetadata().getNamespace();
    ApiSurface api = ApiSurface.of(restore);
    if (src.backupSchedule != null
        && client.resources(api.scheduleClass()).inNamespace(ns).withName(src.backupSchedule).get()
            == null) {
      return invalid(
          b,
          Reason.BackupSourceNotFound,
          "spec.backupSource.backupSchedule: there is no BackupSchedule "
              + src.backupSchedule
              + " in namespace "
              + ns);
    }
    List<Backup> backups = backups(restore, src, api);
    List<Restorable> facts = backups.stream().map(Restorable::of).filter(Objects::nonNull).toList();
    String target = restore.getSpec().pitrRestoredTs;
    Optional<RecoveryRanges.Choice> choice = RecoveryRanges.choose(facts, Tso.of(target));
    if (choice.isEmpty()) {
      return invalid(
          b, Reason.OutsideRecoveryWindow, SourcedRestores.outside(restore, target, facts));
    }
    RecoveryRanges.Choice c = choice.get();
    Backup snapshot = byName(backups, c.snapshot().name());
    Backup log = c.log() == null ? null : byName(backups, c.log().name());
    Restore resolved = SourcedRestores.resolved(restore, snapshot, log, c.target());
    Optional<String> together = RestoreValidator.validate(resolved.getSpec(), null);
    if (together.isPresent() && !together.get().contains("needs TiKV")) {
      return invalid(
          b,
          Reason.InvalidSpec,
          "the backups chosen ("
              + SourcedRestores.chosen(c)
              + ") cannot be restored together: "
              + together.get());
    }
    String checked = check(b, restore, snapshot, log);
    if (checked == null) {
      return new Resolution(
          null, UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.inProcessPoll()));
    }
    if (checked.startsWith("!")) {
      return new Resolution(null, checkFailed(b, checked.substring(1)));
    }
    String said = SourcedRestores.chosen(c);
    RestoreStatus st = b.status() == null ? new RestoreStatus() : RestoreStatuses.copy(b.status());
    st.backupSource =
        SourcedRestores.status(c, snapshot, log, SourcedRestores.window(facts), checked);
    b.update(
        RestoreStatuses.withCondition(
            st,
            Conditions.of(
                ConditionTypes.BACKUP_SOURCE_CHOSEN,
                TRUE,
                Reason.BackupSourceChosen,
                said + "; " + checked),
            b.now()));
    b.event(EventType.NORMAL, Reason.BackupSourceChosen, said);
    LOG.info(
        "{} {}/{}: {}; {}", restore.getKind(), ns, restore.getMetadata().getName(), said, checked);
    return new Resolution(resolved, null);
  }

  /**
   * The restore that runs, rebuilt from the Backups status.backupSource names (after the Job was
   * made), or null when they are gone.
   */
  Restore recorded(Restore restore, RestoreStatus st) {
    if (st == null || st.backupSource == null || st.backupSource.snapshotBackup == null) {
      return null;
    }
    ApiSurface api = ApiSurface.of(restore);
    String ns = restore.getMetadata().getNamespace();
    Backup snapshot = get(api, ns, st.backupSource.snapshotBackup);
    Backup log = st.backupSource.logBackup == null ? null : get(api, ns, st.backupSource.logBackup);
    if (snapshot == null || (st.backupSource.logBackup != null && log == null)) {
      return null;
    }
    return SourcedRestores.resolved(
        restore, snapshot, log, Long.parseLong(st.backupSource.restoredTs));
  }

  private Backup get(ApiSurface api, String ns, String name) {
    return client.resources(api.<Backup>backupClass()).inNamespace(ns).withName(name).get();
  }

  /** The Backups {@code src} names, in the Restore's namespace. */
  private List<Backup> backups(Restore restore, BackupSource src, ApiSurface api) {
    String ns = restore.getMetadata().getNamespace();
    var all = client.resources(api.<Backup>backupClass()).inNamespace(ns);
    if (src.backupSchedule != null) {
      return all.withLabel(ApiConstants.LABEL_BACKUP_SCHEDULE, src.backupSchedule)
          .list()
          .getItems();
    }
    String want =
        src.clusterNamespace == null || src.clusterNamespace.isEmpty() ? ns : src.clusterNamespace;
    List<Backup> out = new ArrayList<>();
    for (Backup b : all.list().getItems()) {
      var br = b.getSpec() == null ? null : b.getSpec().br;
      if (br == null || !src.cluster.equals(br.cluster)) {
        continue;
      }
      String has =
          br.clusterNamespace == null || br.clusterNamespace.isEmpty() ? ns : br.clusterNamespace;
      if (want.equals(has)) {
        out.add(b);
      }
    }
    return out;
  }

  private static Backup byName(List<Backup> backups, String name) {
    return backups.stream()
        .filter(x -> x.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The storage listing: null while it runs; what was checked; or "!" and why it could not be
   * (missing data is refused, in {@link #checkFailed}).
   */
  private String check(
      ReconcileContext<Restore, RestoreStatus> b, Restore restore, Backup snapshot, Backup log) {
    List<StoragePreflight.Probe> probes = new ArrayList<>();
    for (Backup x : log == null ? List.of(snapshot) : List.of(snapshot, log)) {
      InProcessCredentials.Result creds = credentials(x);
      if (creds.refusal() != null) {
        String why =
            "not checked on the storage: the operator cannot list "
                + x.getMetadata().getName()
                + "'s storage itself ("
                + creds.refusal()
                + "); BR reads the backupmeta first and fails the Job if it is not there";
        b.event(EventType.WARNING, Reason.PreflightSkipped, why);
        return why;
      }
      boolean isLog = x == log;
      probes.add(
          new StoragePreflight.Probe(
              x.getSpec(),
              creds.env(),
              isLog ? "v1/backupmeta/" : "backupmeta",
              isLog,
              isLog
                  ? "log backup " + x.getMetadata().getName() + "'s metadata"
                  : "snapshot " + x.getMetadata().getName() + "'s backupmeta"));
    }
    String id =
        restore.getMetadata().getUid()
            + "/"
            + snapshot.getMetadata().getUid()
            + "/"
            + (log == null ? "" : log.getMetadata().getUid());
    Optional<StoragePreflight.Outcome> outcome = preflight.check(id, probes);
    if (outcome.isEmpty()) {
      return null;
    }
    if (outcome.get().error() != null) {
      return "!" + outcome.get().error();
    }
    if (!outcome.get().missing().isEmpty()) {
      return "!missing: " + String.join(", ", outcome.get().missing());
    }
    return "checked on the storage: "
        + probes.stream()
            .map(StoragePreflight.Probe::what)
            .reduce((x, y) -> x + " and " + y)
            .orElse("")
        + " found";
  }

  private UpdateControl<Restore> checkFailed(
      ReconcileContext<Restore, RestoreStatus> b, String why) {
    if (why.startsWith("missing: ")) {
      return invalid(
              b,
              Reason.BackupDataMissing,
              "the backups chosen cannot be restored, their data is not on the storage: "
                  + why.substring("missing: ".length()))
          .control();
    }
    b.update(
        RestoreStatuses.withCondition(
            b.status(),
            Conditions.of(
                ConditionTypes.BACKUP_SOURCE_CHOSEN,
                ConditionTypes.FALSE,
                Reason.PreflightFailed,
                "the storage could not be listed before the Job (retried): " + why),
            b.now()));
    return UpdateControl.<Restore>noUpdate().rescheduleAfter(intervals.clusterRetry());
  }

  private InProcessCredentials.Result credentials(Backup x) {
    BackupSpec spec = x.getSpec();
    String name =
        spec.s3 != null
            ? spec.s3.secretName
            : spec.gcs != null
                ? spec.gcs.secretName
                : spec.azblob != null ? spec.azblob.secretName : null;
    Secret secret = null;
    if (name != null && !name.isEmpty()) {
      try {
        secret = client.secrets().inNamespace(x.getMetadata().getNamespace()).withName(name).get();
      } catch (KubernetesClientException e) {
        return new InProcessCredentials.Result(
            null,
            e.getCode() == 403
                ? "it may not read Secrets in this namespace (chart value rbac.readSecrets)"
                : "the credentials Secret " + name + " cannot be read: " + e.getMessage());
      }
    }
    return InProcessCredentials.of(spec, secret);
  }

  private static Resolution invalid(
      ReconcileContext<Restore, RestoreStatus> b, Reason reason, String message) {
    boolean already =
        Conditions.isTrue(
            b.status() == null ? null : b.status().conditions, ConditionTypes.INVALID);
    b.update(
        RestoreStatuses.withCondition(
            b.status(), Conditions.of(ConditionTypes.INVALID, TRUE, reason, message), b.now()));
    if (!already) {
      b.event(EventType.WARNING, reason, message);
    }
    return new Resolution(null, UpdateControl.noUpdate());
  }
}
