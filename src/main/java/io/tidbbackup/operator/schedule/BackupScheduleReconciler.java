package io.tidbbackup.operator.schedule;

import static io.tidbbackup.api.ConditionTypes.TRUE;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.BackupScheduleStatus;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.ConditionTypes;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.status.Conditions;
import io.tidbbackup.operator.status.EventRecorder;
import io.tidbbackup.operator.status.EventType;
import io.tidbbackup.operator.status.Reason;
import io.tidbbackup.operator.status.StatusWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Reconciles a BackupSchedule: validate, plan (pure: {@link SchedulePlanner}), act — delete what
 * retention expires (each child goes through its own cleanPolicy), truncate the log backup, create
 * the log backup and the next snapshot backup — then sleep until the next firing. Every child is
 * labelled with and owned by the schedule.
 */
public class BackupScheduleReconciler<S extends BackupSchedule> implements Reconciler<S> {
  static final Duration MIN_WAKE = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final Clock clock;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final io.tidbbackup.operator.surface.ApiSurface api;

  /** A reconciler of v1 or v2 BackupSchedules, a class of its own for each. */
  public static Reconciler<? extends BackupSchedule> of(
      io.tidbbackup.operator.surface.ApiSurface api, io.tidbbackup.operator.kernel.Dependencies d) {
    return switch (api) {
      case V1 -> new V1Schedules(d);
      case V2 -> new V2Schedules(d);
    };
  }

  /**
   * The reconciler of pingcap.com BackupSchedules (a named class: JOSDK reads its type argument).
   */
  public static final class V1Schedules extends BackupScheduleReconciler<BackupSchedule> {
    V1Schedules(io.tidbbackup.operator.kernel.Dependencies d) {
      super(
          io.tidbbackup.operator.surface.ApiSurface.V1,
          d.client(),
          d.clock(),
          d.writer(),
          d.events());
    }
  }

  /** The reconciler of br.pingcap.com BackupSchedules. */
  public static final class V2Schedules
      extends BackupScheduleReconciler<io.tidbbackup.api.v2.BrBackupSchedule> {
    V2Schedules(io.tidbbackup.operator.kernel.Dependencies d) {
      super(
          io.tidbbackup.operator.surface.ApiSurface.V2,
          d.client(),
          d.clock(),
          d.writer(),
          d.events());
    }
  }

  /** The reconciler of {@code api}'s BackupSchedules, whose children are of the same group. */
  public BackupScheduleReconciler(
      io.tidbbackup.operator.surface.ApiSurface api,
      KubernetesClient client,
      Clock clock,
      StatusWriter writer,
      EventRecorder events) {
    this.api = api;
    this.client = client;
    this.clock = clock;
    this.writer = writer;
    this.events = events;
  }

  @Override
  public List<EventSource<?, S>> prepareEventSources(EventSourceContext<S> ctx) {
    Class<S> type = api.scheduleClass();
    var config =
        InformerEventSourceConfiguration.from(api.<Backup>backupClass(), type)
            .withLabelSelector(ApiConstants.LABEL_BACKUP_SCHEDULE)
            .withItemStore(new io.tidbbackup.operator.kernel.LeanItemStore<>())
            .withSecondaryToPrimaryMapper(io.tidbbackup.operator.kernel.Owners.<Backup>mapper(type))
            .build();
    var compacts =
        InformerEventSourceConfiguration.from(api.<CompactBackup>compactClass(), type)
            .withLabelSelector(ApiConstants.LABEL_BACKUP_SCHEDULE)
            .withItemStore(new io.tidbbackup.operator.kernel.LeanItemStore<>())
            .withSecondaryToPrimaryMapper(
                io.tidbbackup.operator.kernel.Owners.<CompactBackup>mapper(type))
            .build();
    return List.of(
        new InformerEventSource<>(config, ctx), new InformerEventSource<>(compacts, ctx));
  }

  @Override
  public UpdateControl<S> reconcile(S bs, Context<S> ctx) {
    return io.tidbbackup.operator.kernel.Owners.narrow(
        reconcileAny(bs, io.tidbbackup.operator.kernel.Owners.widen(ctx)));
  }

  private UpdateControl<BackupSchedule> reconcileAny(
      BackupSchedule bs, Context<BackupSchedule> ctx) {
    if (bs.isMarkedForDeletion()) {
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant(); // the reconcile's one clock reading
    io.tidbbackup.operator.surface.V2Status.readV2Names(bs);
    var unreadable = io.tidbbackup.api.TolerantReading.problems(bs);
    io.tidbbackup.api.CrdDefaults.apply(bs.getSpec());
    List<String> problems =
        unreadable.isPresent()
            ? List.of("this BackupSchedule cannot be read: " + unreadable.get())
            : SchedulePlanner.problems(bs.getSpec());
    if (!problems.isEmpty()) {
      BackupScheduleStatus st =
          bs.getStatus() == null
              ? new BackupScheduleStatus()
              : Serde.copy(bs.getStatus(), BackupScheduleStatus.class);
      boolean already = Conditions.isTrue(st.conditions, ConditionTypes.INVALID);
      st.conditions =
          Conditions.upsert(
                  st.conditions,
                  null,
                  Conditions.of(ConditionTypes.INVALID, TRUE, Reason.InvalidSpec, problems.get(0)),
                  now)
              .conditions();
      writer.writeSchedule(bs, ctx, st);
      if (!already) {
        events.record(bs, EventType.WARNING, Reason.InvalidSpec, problems.get(0));
      }
      return UpdateControl.noUpdate();
    }
    String name = bs.getMetadata().getName();
    List<Backup> children =
        ctx.getSecondaryResources(api.<Backup>backupClass()).stream()
            .filter(
                b ->
                    name.equals(
                        b.getMetadata().getLabels().get(ApiConstants.LABEL_BACKUP_SCHEDULE)))
            .toList();
    List<CompactBackup> compacts =
        ctx.getSecondaryResources(api.<CompactBackup>compactClass()).stream()
            .filter(
                c ->
                    name.equals(
                        c.getMetadata().getLabels().get(ApiConstants.LABEL_BACKUP_SCHEDULE)))
            .toList();
    SchedulePlanner.Plan plan = SchedulePlanner.plan(bs, children, compacts, now);

    for (Backup old : plan.delete()) {
      client
          .resources(api.<Backup>backupClass())
          .inNamespace(old.getMetadata().getNamespace())
          .withName(old.getMetadata().getName())
          .delete();
      events.record(
          bs,
          EventType.NORMAL,
          Reason.BackupExpired,
          "retention deleted Backup "
              + old.getMetadata().getName()
              + " (its cleanPolicy decides what happens to its data)");
    }
    if (plan.truncateLogTo() != null) {
      String log = ScheduleChildren.logName(bs);
      client
          .resources(api.<Backup>backupClass())
          .inNamespace(bs.getMetadata().getNamespace())
          .withName(log)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"spec\":{\"logTruncateUntil\":\"" + plan.truncateLogTo() + "\"}}");
      events.record(
          bs,
          EventType.NORMAL,
          Reason.LogBackupTruncated,
          "log backup "
              + log
              + " is truncated to "
              + plan.truncateLogTo()
              + ", the commitTs of the oldest snapshot kept as the PiTR base");
    }
    BackupNowRequests.Answer asked =
        BackupNowRequests.answer(bs, children, plan.create(), now); // before: it may mark create
    create(bs, plan.createLog());
    create(bs, plan.create());
    create(bs, plan.createCompact());
    BackupScheduleStatus st = plan.status();
    if (asked != null) {
      create(bs, asked.create());
      st.backupNow = asked.status();
      boolean made = BackupNowRequests.CREATED.equals(asked.status().outcome);
      String msg =
          made
              ? "backup-now request "
                  + asked.status().request
                  + ": created Backup "
                  + asked.status().backup
              : "backup-now request "
                  + asked.status().request
                  + " refused: "
                  + asked.status().message;
      st.conditions =
          Conditions.upsert(
                  st.conditions,
                  null,
                  Conditions.of(
                      ConditionTypes.BACKUP_NOW,
                      made ? TRUE : ConditionTypes.FALSE,
                      made ? Reason.BackupNowCreated : Reason.BackupNowRefused,
                      msg),
                  now)
              .conditions();
      events.record(
          bs,
          made ? EventType.NORMAL : EventType.WARNING,
          made ? Reason.BackupNowCreated : Reason.BackupNowRefused,
          msg);
    }
    st.recoveryWindow = ScheduleWindow.of(children, compacts);
    writer.writeSchedule(bs, ctx, st);
    Duration wait = Duration.between(now, plan.wakeAt());
    return UpdateControl.<BackupSchedule>noUpdate()
        .rescheduleAfter(wait.compareTo(MIN_WAKE) < 0 ? MIN_WAKE : wait);
  }

  private void create(BackupSchedule bs, io.fabric8.kubernetes.api.model.HasMetadata child) {
    if (child == null) {
      return;
    }
    try {
      client.resource(child).create();
      events.record(
          bs,
          EventType.NORMAL,
          Reason.valueOf(child.getKind() + "Created"),
          "created " + child.getKind() + " " + child.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }
}
