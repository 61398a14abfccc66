package io.tidbbackup.cli.plugin;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Serde;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kubectl tidb-backup describe kind/name}: an object's story in one place: its phase and
 * conditions, its progress, the Events about it, and, for each Job it owns, the command line that
 * runs (the Job's own container command, as the pod runs it; credentials travel in env and files,
 * never here).
 */
@Command(
    name = "describe",
    description =
        "Phase, conditions, progress, events and the command line of a Backup, Restore, CompactBackup or BackupSchedule.")
final class Describe implements Callable<Integer> {
  @picocli.CommandLine.Mixin KubeOptions parent;

  @Parameters(index = "0", paramLabel = "KIND/NAME")
  String ref;

  @Override
  public Integer call() {
    try (KubernetesClient k = parent.client()) {
      String ns = parent.namespace(k);
      HasMetadata o = KubeOptions.findOrSay(k, ns, ref);
      if (o == null) {
        return 1;
      }
      List<Event> events =
          k.v1().events().inNamespace(ns).list().getItems().stream()
              .filter(e -> Objects.equals(o.getMetadata().getUid(), e.getInvolvedObject().getUid()))
              .sorted(Comparator.comparing(e -> Objects.toString(e.getLastTimestamp(), "")))
              .toList();
      System.out.print(render(o, events, KubeOptions.jobsOf(k, o)));
      return 0;
    }
  }

  /** Pure: what describe prints. */
  static String render(HasMetadata o, List<Event> events, List<Job> jobs) {
    StringBuilder out = new StringBuilder();
    out.append(o.getKind())
        .append(' ')
        .append(o.getMetadata().getNamespace())
        .append('/')
        .append(o.getMetadata().getName())
        .append('\n');
    if (o.getMetadata().getDeletionTimestamp() != null) {
      out.append("Deleted at ")
          .append(o.getMetadata().getDeletionTimestamp())
          .append(", finalizers ")
          .append(o.getMetadata().getFinalizers())
          .append('\n');
    }
    Map<String, Object> status =
        Serde.JSON.convertValue(
            Serde.JSON.valueToTree(o).path("status"),
            new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {});
    if (status == null || status.isEmpty()) {
      out.append("Status: none yet (is the operator running?)\n");
    } else {
      out.append("Status:\n");
      for (String line : Serde.yaml(status).strip().split("\n")) {
        out.append("  ").append(line).append('\n');
      }
    }
    out.append("Jobs:").append(jobs.isEmpty() ? " none\n" : "\n");
    for (Job j : jobs) {
      var st = j.getStatus();
      out.append("  ")
          .append(j.getMetadata().getName())
          .append(": ")
          .append(
              st == null
                  ? ""
                  : "active "
                      + n(st.getActive())
                      + ", succeeded "
                      + n(st.getSucceeded())
                      + ", failed "
                      + n(st.getFailed()))
          .append('\n');
      for (Container c : j.getSpec().getTemplate().getSpec().getContainers()) {
        out.append("    runs (")
            .append(c.getName())
            .append("): ")
            .append(String.join(" ", concat(c.getCommand(), c.getArgs())))
            .append('\n');
      }
    }
    out.append("Events:").append(events.isEmpty() ? " none\n" : "\n");
    for (Event e : events) {
      out.append("  ")
          .append(Objects.toString(e.getLastTimestamp(), ""))
          .append(' ')
          .append(e.getType())
          .append(' ')
          .append(e.getReason())
          .append(e.getCount() != null && e.getCount() > 1 ? " (x" + e.getCount() + ")" : "")
          .append(": ")
          .append(e.getMessage())
          .append('\n');
    }
    return out.toString();
  }

  static int n(Integer i) {
    return i == null ? 0 : i;
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>(a == null ? List.of() : a);
    all.addAll(b == null ? List.of() : b);
    return all;
  }
}
