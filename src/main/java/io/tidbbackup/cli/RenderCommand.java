package io.tidbbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.io.File;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code render -f FILE}: print the Job (or with --command the tool command line) for every object
 * in FILE. The file is read, each object checked and defaulted, by {@link ManifestReader}; this
 * renders what it reads.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description =
        "Print the Jobs the operator would create for the objects in a file, "
            + "with no cluster. Exits 1 when anything is wrong: a YAML error (with its line), another kind, an"
            + " unknown field (with the field it may have meant), a wrong type or value (by its path), an"
            + " invalid object (the message its Invalid condition would carry).")
public class RenderCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--file"},
      required = true,
      description =
          "YAML file with Backup, Restore, BackupSchedule and CompactBackup objects; - for stdin")
  File file;

  @Option(
      names = "--tikv-version",
      description = "TiKV version of the cluster (default: ${DEFAULT-VALUE})")
  String tikvVersion = OperatorSettings.DEFAULT_TIKV_VERSION;

  @Option(
      names = "--cluster-tls",
      description = "render as for a TidbCluster with spec.tlsCluster.enabled")
  boolean clusterTls;

  @Option(names = "--command", description = "print the tool command line instead of the Job")
  boolean command;

  @Option(
      names = "--agent-image",
      description = "this operator's image for the Job's main container")
  String agentImage = JobSettings.DEFAULT_AGENT_IMAGE;

  PrintStream out = System.out;
  PrintStream err = System.err;

  /** How many firings of a BackupSchedule are listed. */
  static final int FIRINGS = 3;

  @Override
  public Integer call() throws Exception {
    ManifestReader input = new ManifestReader(file, err);
    Optional<List<JsonNode>> docs = input.read();
    if (docs.isEmpty()) {
      return 1;
    }
    ClusterFacts defaultFacts = new ClusterFacts(tikvVersion, clusterTls);
    JobSettings settings = new JobSettings(agentImage, "IfNotPresent");
    int failures = 0;
    boolean first = true;
    int index = 0;
    for (JsonNode doc : docs.get()) {
      index++;
      String kind = doc.path("kind").asText();
      String name = doc.path("metadata").path("name").asText();
      String where = input.source() + ": document " + index + " (" + kind + " " + name + ")";
      if (ManifestReader.isV2Cluster(doc)) {
        continue; // read with the input, as the operator reads them
      }
      HasMetadata obj = input.object(doc, where);
      if (obj == null) {
        failures++;
        continue;
      }
      ClusterFacts facts = input.facts(obj, defaultFacts, where);
      List<Render.Result> results = new ArrayList<>();
      if (obj instanceof Backup b) {
        results.add(
            command
                ? Render.backupCommand(b, facts, settings)
                : Render.backupJob(b, facts, settings));
      } else if (obj instanceof Restore rt) {
        results.add(
            command
                ? Render.restoreCommand(rt, facts, settings)
                : Render.restoreJob(rt, facts, settings));
      } else if (obj instanceof CompactBackup cb) {
        results.add(
            command
                ? Render.compactCommand(cb, facts, settings)
                : Render.compactJob(cb, facts, settings));
      } else {
        var bs = (io.tidbbackup.api.BackupSchedule) obj;
        io.tidbbackup.operator.surface.V2Status.readV2Names(bs);
        List<String> problems =
            io.tidbbackup.operator.schedule.SchedulePlanner.problems(bs.getSpec());
        if (!problems.isEmpty()) {
          err.println(where + " is invalid: " + String.join("; ", problems));
          failures++;
          continue;
        }
        for (Backup child : scheduleChildren(bs, Instant.now())) {
          ManifestReader.defaults(child);
          results.add(
              command
                  ? Render.backupCommand(child, facts, settings)
                  : Render.backupJob(child, facts, settings));
        }
      }
      for (Render.Result r : results) {
        if (r.error() != null) {
          err.println(kind + " " + r.name() + " is invalid: " + r.error());
          failures++;
          continue;
        }
        if (!command && !first) {
          out.println("---");
        }
        out.print(command ? r.output() + System.lineSeparator() : r.output());
        first = false;
      }
    }
    return failures == 0 ? 0 : 1;
  }

  /**
   * What a BackupSchedule would create: its next snapshot Backup (the firings listed on stderr)
   * and, with a logBackupTemplate, its log backup.
   */
  List<Backup> scheduleChildren(io.tidbbackup.api.BackupSchedule bs, Instant now) {
    var spec = bs.getSpec();
    java.time.ZoneId zone =
        spec.timeZone == null || spec.timeZone.isEmpty()
            ? java.time.ZoneOffset.UTC
            : java.time.ZoneId.of(spec.timeZone);
    var cron = io.tidbbackup.api.Cron.parse(spec.schedule);
    List<String> firings = new ArrayList<>();
    java.time.ZonedDateTime at = now.atZone(zone);
    for (int i = 0; i < FIRINGS; i++) {
      at = cron.next(at, zone);
      firings.add(at.toOffsetDateTime().toString());
    }
    err.println(
        "BackupSchedule "
            + bs.getMetadata().getName()
            + ": next firings "
            + String.join(", ", firings)
            + "; rendering the Backup of the first");
    List<Backup> out = new ArrayList<>();
    Instant fire = java.time.OffsetDateTime.parse(firings.get(0)).toInstant();
    out.add(io.tidbbackup.operator.schedule.ScheduleChildren.snapshot(bs, fire));
    if (spec.logBackupTemplate != null) {
      out.add(io.tidbbackup.operator.schedule.ScheduleChildren.log(bs, now));
    }
    return out;
  }
}
