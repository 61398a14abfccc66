package io.tidbbackup.cli;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.job.BackupJobBuilder;
import io.tidbbackup.operator.job.CleanJobBuilder;
import io.tidbbackup.operator.job.CompactJobBuilder;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.RestoreJobBuilder;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every Job the examples make, as the golden tests render them (TiKV v8.5.0, TLS for the tls
 * examples): each Backup's Job and clean Job, each Restore's Job and prune Job, each compaction's
 * Job, of examples/ and examples/v2.
 */
public final class ExampleJobs {
  public record Example(String name, Job job) {}

  private ExampleJobs() {}

  public static List<Example> all() throws IOException {
    List<Example> out = new ArrayList<>();
    for (Path dir : List.of(Path.of("examples"), Path.of("examples/v2"))) {
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      }
      for (Path f : files) {
        String base = GoldenBackupJobsTest.base(f);
        String kind = Serde.YAML.readTree(f.toFile()).path("kind").asText();
        var facts = GoldenBackupJobsTest.facts(f);
        switch (kind) {
          case "Backup" -> {
            Backup b = GoldenBackupJobsTest.load(f);
            io.tidbbackup.api.CrdDefaults.apply(b.getSpec());
            out.add(
                new Example(
                    base,
                    BackupJobBuilder.build(
                        b, Render.logCommand(b.getSpec()), facts, JobSettings.defaults())));
            if (b.getSpec().backupMode != BackupMode.LOG) {
              out.add(
                  new Example(
                      base + "-clean",
                      CleanJobBuilder.build(
                          b,
                          BackupJobBuilder.backupPath(b),
                          JobSettings.defaults(),
                          3,
                          CleanJobPolicy.ACTIVE_DEADLINE.toSeconds())));
            }
          }
          case "Restore" -> {
            Restore r = GoldenRestoreJobsTest.load(f);
            io.tidbbackup.api.CrdDefaults.apply(r.getSpec());
            out.add(
                new Example(
                    base, RestoreJobBuilder.build(r, false, facts, JobSettings.defaults())));
            if (r.getSpec().prune != null) {
              out.add(
                  new Example(
                      base + "-prune",
                      RestoreJobBuilder.build(r, true, facts, JobSettings.defaults())));
            }
          }
          case "CompactBackup" -> {
            CompactBackup c = GoldenCompactJobsTest.load(f);
            io.tidbbackup.api.CrdDefaults.apply(c.getSpec());
            out.add(new Example(base, CompactJobBuilder.build(c, facts, JobSettings.defaults())));
          }
          default -> {} // schedules make Backups (their templates are examples' shapes); clusters
        }
      }
    }
    return out;
  }
}
