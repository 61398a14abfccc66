package io.tidbbackup.operator.status;

import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.Progress;
import io.tidbbackup.api.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Pure: a Backup's or a Restore's {@code progresses} from what the tool reported. */
public final class Progresses {
  private Progresses() {}

  /**
   * Reported progress per step (steps reported before and not now are kept); a step's
   * lastTransitionTime moves only when its percentage changes.
   */
  public static List<Progress> merge(List<Progress> old, List<Progress> reported, Instant now) {
    if (reported == null || reported.isEmpty()) {
      return old;
    }
    List<Progress> out = new ArrayList<>();
    if (old != null) {
      for (Progress o : old) {
        if (reported.stream().noneMatch(r -> Objects.equals(r.step, o.step))) {
          out.add(o);
        }
      }
    }
    for (Progress r : reported) {
      Progress prev =
          old == null
              ? null
              : old.stream().filter(p -> Objects.equals(p.step, r.step)).findFirst().orElse(null);
      Progress p = new Progress();
      p.step = r.step;
      p.progress = r.progress;
      p.lastTransitionTime =
          prev != null
                  && Objects.equals(prev.progress, r.progress)
                  && prev.lastTransitionTime != null
              ? prev.lastTransitionTime
              : Timestamps.format(now);
      out.add(p);
    }
    return out;
  }

  /** The steps the agent printed, as status entries (percent rounded to two decimals). */
  public static List<Progress> of(List<AgentProtocol.StepProgress> steps) {
    List<Progress> out = new ArrayList<>();
    for (AgentProtocol.StepProgress s : steps) {
      Progress p = new Progress();
      p.step = s.step();
      p.progress = Math.round(s.percent() * 100) / 100.0;
      out.add(p);
    }
    return out;
  }
}
