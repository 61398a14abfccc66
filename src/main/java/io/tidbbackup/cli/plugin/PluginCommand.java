package io.tidbbackup.cli.plugin;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSchedule;
import io.tidbbackup.api.Restore;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kubectl tidb-backup …} (the executable {@code kubectl-tidb_backup} the build writes beside
 * the jar runs {@code java -jar … kubectl …}): the recovery questions answered from the cluster,
 * with the kubeconfig and namespace kubectl would use.
 */
@Command(
    name = "kubectl",
    mixinStandardHelpOptions = true,
    description =
        "kubectl tidb-backup: what can be restored, to when, and how; backup now; a run's story and logs.",
    subcommands = {
      PluginCommand.Status.class,
      PluginCommand.BackupNow.class,
      PluginCommand.RestoreTo.class,
      Describe.class,
      Logs.class
    })
public final class PluginCommand {
  static PrintStream out() {
    return System.out;
  }

  @Command(
      name = "status",
      description =
          "Per TiDB cluster: what can be restored (earliest and latest points, the snapshot each restores from,"
              + " gaps), the last backups, log backup lag, running work, stuck cleans.")
  static final class Status implements Callable<Integer> {
    @picocli.CommandLine.Mixin KubeOptions parent;

    @Override
    public Integer call() {
      try (KubernetesClient k = parent.client()) {
        String ns = parent.namespace(k);
        List<Backup> backups = k.resources(Backup.class).inNamespace(ns).list().getItems();
        List<Restore> restores = k.resources(Restore.class).inNamespace(ns).list().getItems();
        out()
            .print(
                "Namespace " + ns + "\n" + RecoveryStatus.render(backups, restores, Instant.now()));
        return 0;
      }
    }
  }

  @Command(
      name = "backup-now",
      description =
          "Ask a BackupSchedule for one backup now (its template; counted by its retention); waits for the answer.")
  static final class BackupNow implements Callable<Integer> {
    @picocli.CommandLine.Mixin KubeOptions parent;

    @Parameters(index = "0", paramLabel = "SCHEDULE")
    String schedule;

    @Option(
        names = "--wait",
        description = "seconds to wait for the operator's answer (default 30)")
    int waitSeconds = 30;

    @Override
    public Integer call() throws InterruptedException {
      try (KubernetesClient k = parent.client()) {
        String ns = parent.namespace(k);
        var res = k.resources(BackupSchedule.class).inNamespace(ns).withName(schedule);
        if (res.get() == null) {
          System.err.println("no BackupSchedule " + ns + "/" + schedule);
          return 1;
        }
        String request = "kubectl-" + Instant.now().toEpochMilli();
        res.edit(
            bs -> {
              if (bs.getMetadata().getAnnotations() == null) {
                bs.getMetadata().setAnnotations(new java.util.HashMap<>());
              }
              bs.getMetadata().getAnnotations().put(ApiConstants.BACKUP_NOW_ANNOTATION, request);
              return bs;
            });
        out()
            .println(
                "asked BackupSchedule "
                    + ns
                    + "/"
                    + schedule
                    + " for a backup now ("
                    + request
                    + ")");
        long until = System.nanoTime() + waitSeconds * 1_000_000_000L;
        while (System.nanoTime() < until) {
          BackupSchedule bs = res.get();
          var answer = bs == null || bs.getStatus() == null ? null : bs.getStatus().backupNow;
          if (answer != null && request.equals(answer.request)) {
            out()
                .println(
                    answer.outcome
                        + (answer.backup == null ? "" : ": Backup " + answer.backup)
                        + (answer.message == null ? "" : ": " + answer.message));
            return "Created".equals(answer.outcome) ? 0 : 1;
          }
          Thread.sleep(500);
        }
        System.err.println(
            "no answer in " + waitSeconds + " s: is the operator running? (status.backupNow)");
        return 1;
      }
    }
  }

  @Command(
      name = "restore",
      description =
          "Restore a cluster to a time from the backups of a schedule or a cluster: prints the Restore and what it"
              + " will read, and applies it unless --dry-run.")
  static final class RestoreTo implements Callable<Integer> {
    @picocli.CommandLine.Mixin KubeOptions parent;

    @Option(
        names = "--to",
        description = "a TSO or a datetime (default: the latest restorable point)")
    String to;

    @Option(names = "--schedule", description = "the BackupSchedule whose backups to read")
    String schedule;

    @Option(names = "--cluster", description = "or: the cluster whose Backups to read")
    String cluster;

    @Option(
        names = "--into",
        description = "the cluster to restore into (default: the backups' cluster)")
    String into;

    @Option(names = "--name", description = "the Restore's name (default: restore-<time>)")
    String name;

    @Option(names = "--dry-run", description = "print the Restore, apply nothing")
    boolean dryRun;

    @Override
    public Integer call() {
      try (KubernetesClient k = parent.client()) {
        String ns = parent.namespace(k);
        List<Backup> backups;
        String target = into;
        if (schedule != null) {
          BackupSchedule bs =
              k.resources(BackupSchedule.class).inNamespace(ns).withName(schedule).get();
          if (bs == null) {
            System.err.println("no BackupSchedule " + ns + "/" + schedule);
            return 1;
          }
          backups =
              k.resources(Backup.class)
                  .inNamespace(ns)
                  .withLabel(ApiConstants.LABEL_BACKUP_SCHEDULE, schedule)
                  .list()
                  .getItems();
          if (target == null
              && bs.getSpec().backupTemplate != null
              && bs.getSpec().backupTemplate.br != null) {
            target = bs.getSpec().backupTemplate.br.cluster;
          }
        } else {
          backups =
              k.resources(Backup.class).inNamespace(ns).list().getItems().stream()
                  .filter(
                      b ->
                          b.getSpec() != null
                              && b.getSpec().br != null
                              && Objects.equals(cluster, b.getSpec().br.cluster))
                  .toList();
          target = target == null ? cluster : target;
        }
        String restoreName = name != null ? name : "restore-" + Instant.now().getEpochSecond();
        RestorePlan.Plan plan;
        try {
          plan = RestorePlan.of(ns, restoreName, to, schedule, cluster, null, target, backups);
        } catch (IllegalArgumentException e) {
          System.err.println(e.getMessage());
          return 2;
        }
        if (plan.restore() == null) {
          System.err.println("refused: " + plan.explanation());
          return 1;
        }
        out().print(RestorePlan.yaml(plan));
        if (!dryRun) {
          k.resource(plan.restore()).create();
          out()
              .println(
                  "# created Restore "
                      + ns
                      + "/"
                      + restoreName
                      + " (kubectl tidb-backup describe restore/"
                      + restoreName
                      + ")");
        }
        return 0;
      }
    }
  }
}
