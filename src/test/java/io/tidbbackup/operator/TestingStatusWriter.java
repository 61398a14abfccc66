package io.tidbbackup.operator;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.tidbbackup.api.HasPhase;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.status.PhaseMetrics;
import io.tidbbackup.operator.status.StatusWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The status writer of a synchronous reconciler test: it keeps each status written (in order)
 * instead of sending it, and returns the object with it, as the real writer returns the object the
 * API server stored.
 */
public final class TestingStatusWriter extends StatusWriter {
  public final List<Object> written = new ArrayList<>();

  public TestingStatusWriter() {
    super(null, new PhaseMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <S extends HasPhase, P extends CustomResource<?, S>> P write(
      P resource, Context<P> ctx, S newStatus) {
    S old = resource.getStatus();
    if (old != null && Serde.json(old).equals(Serde.json(newStatus))) {
      return resource;
    }
    written.add(newStatus);
    P copy = (P) Serde.fromJson(Serde.json(resource), resource.getClass());
    copy.setStatus(newStatus);
    return copy;
  }

  @Override
  public io.tidbbackup.api.BackupSchedule writeSchedule(
      io.tidbbackup.api.BackupSchedule schedule,
      Context<io.tidbbackup.api.BackupSchedule> ctx,
      io.tidbbackup.api.BackupScheduleStatus computed) {
    var old = schedule.getStatus();
    if (old != null && Serde.json(old).equals(Serde.json(computed))) {
      return schedule;
    }
    written.add(computed);
    io.tidbbackup.api.BackupSchedule copy =
        Serde.fromJson(Serde.json(schedule), schedule.getClass());
    copy.setStatus(computed);
    return copy;
  }
}
