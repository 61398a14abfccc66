package io.tidbbackup.cli.plugin;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kubectl tidb-backup logs kind/name}: the logs of the pods of every Job the object owns
 * (backup, restore, clean, compaction), oldest Job first, each under a header naming Job and pod.
 */
@Command(
    name = "logs",
    description = "The logs of the Jobs' pods of a Backup, Restore or CompactBackup.")
final class Logs implements Callable<Integer> {
  @picocli.CommandLine.Mixin KubeOptions parent;

  @Parameters(index = "0", paramLabel = "KIND/NAME")
  String ref;

  @Option(names = "--tail", description = "lines per pod from the end (default: all)")
  Integer tail;

  @Override
  public Integer call() {
    try (KubernetesClient k = parent.client()) {
      String ns = parent.namespace(k);
      HasMetadata o = KubeOptions.findOrSay(k, ns, ref);
      if (o == null) {
        return 1;
      }
      List<Job> jobs = KubeOptions.jobsOf(k, o);
      if (jobs.isEmpty()) {
        System.err.println(
            o.getKind() + " " + ns + "/" + o.getMetadata().getName() + " has no Job");
        return 1;
      }
      for (Job j : jobs) {
        List<Pod> pods =
            k
                .pods()
                .inNamespace(ns)
                .withLabel(
                    io.tidbbackup.operator.job.Names.JOB_NAME_LABEL, j.getMetadata().getName())
                .list()
                .getItems()
                .stream()
                .sorted(
                    Comparator.comparing(
                        p -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")))
                .toList();
        for (Pod p : pods) {
          System.out.println(
              "==> Job " + j.getMetadata().getName() + ", pod " + p.getMetadata().getName());
          var pod = k.pods().inNamespace(ns).withName(p.getMetadata().getName());
          String log = tail == null ? pod.getLog() : pod.tailingLines(tail).getLog();
          System.out.print(log == null ? "" : log);
        }
      }
      return 0;
    }
  }
}
