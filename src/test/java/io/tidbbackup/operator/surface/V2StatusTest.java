package io.tidbbackup.operator.surface;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.api.BackupScheduleStatus;
import io.tidbbackup.api.BackupStatus;
import io.tidbbackup.api.LogSubCommandStatus;
import io.tidbbackup.api.Progress;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.v2.BrBackup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The v2 status shape: what the br.pingcap.com CRD's validation accepts, and idempotent. */
class V2StatusTest {

  static BackupStatus status() {
    BackupStatus s = new BackupStatus();
    s.phase = "Complete";
    s.timeSynced = "2026-01-01T00:00:00Z";
    BackupCondition ok = new BackupCondition("Complete", "True", "BackupComplete", null);
    ok.lastTransitionTime = "2026-01-01T00:00:00Z";
    BackupCondition bad = new BackupCondition("Failed", "False", "not a valid reason!", "m");
    bad.command = "log-start";
    s.conditions = List.of(ok, bad);
    LogSubCommandStatus l = new LogSubCommandStatus();
    BackupCondition lc = new BackupCondition("Complete", "True", null, "started");
    lc.command = "log-start";
    l.conditions = List.of(lc);
    s.logSubCommandStatuses = Map.of("log-start", l);
    Progress p = new Progress();
    p.step = "Full Backup";
    p.progress = 45.67;
    s.progresses = List.of(p);
    return s;
  }

  static <T extends Backup> T with(T b) {
    b.setMetadata(new ObjectMetaBuilder().withName("b").withGeneration(3L).build());
    return b;
  }

  @Test
  void aV2ObjectsStatusHasValidConditionsWholeProgressAndNoV1OnlyFields() {
    BackupStatus s = V2Status.shape(with(new BrBackup()), status());
    assertThat(s.timeSynced).isNull();
    assertThat(s.conditions)
        .allSatisfy(
            c -> {
              assertThat(c.reason).matches(V2Status.REASON);
              assertThat(c.message).isNotNull();
              assertThat(c.lastTransitionTime).isNotNull();
              assertThat(c.observedGeneration).isEqualTo(3L);
              assertThat(c.command).isNull();
            });
    assertThat(s.conditions.get(1).reason).isEqualTo("notavalidreason");
    BackupCondition log = s.logSubCommandStatuses.get("log-start").conditions.get(0);
    assertThat(log.reason).isEqualTo("Complete");
    assertThat(log.command).isEqualTo("log-start");
    assertThat(Serde.json(s)).contains("\"progress\":45}");
    // shaping is idempotent, so the writer compares shaped old and new
    assertThat(Serde.json(V2Status.shape(with(new BrBackup()), s))).isEqualTo(Serde.json(s));
  }

  @Test
  void aV1ObjectsStatusIsLeftAsItIs() {
    BackupStatus s = status();
    assertThat(V2Status.shape(with(new Backup()), s)).isSameAs(s);
    assertThat(Serde.json(s)).contains("\"progress\":45.67").doesNotContain("observedGeneration");
  }

  @Test
  void aScheduleTakesV2NamesAndReadsBackToV1s() {
    BackupScheduleStatus st = new BackupScheduleStatus();
    st.lastCompactProgress = "2026-01-01T00:00:00Z";
    st.lastCompactExecutionTs = "2026-01-01T06:00:00Z";
    BackupScheduleStatus v2 = V2Status.schedule(st, "6h", 1L);
    assertThat(v2.lastCompactProgress).isNull();
    assertThat(v2.lastCompactTs).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(v2.nextCompactEndTs).isEqualTo("2026-01-01T12:00:00Z");
    BackupScheduleStatus back = V2Status.scheduleIn(v2);
    assertThat(back.lastCompactProgress).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(back.lastCompactTs).isNull();
    assertThat(Serde.json(V2Status.schedule(back, "6h", 1L))).isEqualTo(Serde.json(v2));
  }
}
