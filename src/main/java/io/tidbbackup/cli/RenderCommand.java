package io.tidbbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.cluster.V2ClusterFacts;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.io.File;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code render -f FILE}: print the Job (or with --command the tool command line) for every object
 * in FILE.
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

  /** Our kinds, read as the operator reads them: an unknown field or value is written down. */
  static final io.fabric8.kubernetes.client.utils.KubernetesSerialization READER =
      io.tidbbackup.api.TolerantReading.serialization();

  static final Map<String, Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>> KINDS =
      Map.of(
          "Backup", Backup.class,
          "Restore", Restore.class,
          "CompactBackup", CompactBackup.class,
          "BackupSchedule", io.tidbbackup.api.BackupSchedule.class);

  /** The same kinds of TiDB Operator v2's API, br.pingcap.com. */
  static final Map<String, Class<? extends io.fabric8.kubernetes.api.model.HasMetadata>> V2_KINDS =
      Map.of(
          "Backup", io.tidbbackup.api.v2.BrBackup.class,
          "Restore", io.tidbbackup.api.v2.BrRestore.class,
          "CompactBackup", io.tidbbackup.api.v2.BrCompactBackup.class,
          "BackupSchedule", io.tidbbackup.api.v2.BrBackupSchedule.class);

  /** TiDB Operator v2's cluster objects (core.pingcap.com) found in the input. */
  final List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> v2Clusters =
      new ArrayList<>();

  final List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> v2Groups =
      new ArrayList<>();

  /** How many firings of a BackupSchedule are listed. */
  static final int FIRINGS = 3;

  @Override
  public Integer call() throws Exception {
    boolean stdin = file.getPath().equals("-");
    String source = stdin ? "<stdin>" : file.getPath();
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        stdin
            ? Serde.YAML.readerFor(JsonNode.class).readValues(System.in)
            : Serde.YAML.readerFor(JsonNode.class).readValues(file)) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add(n);
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      err.println(
          source
              + (loc == null ? "" : ":" + loc.getLineNr())
              + ": not YAML: "
              + e.getOriginalMessage().replaceAll("\\s*\\n\\s*", "; "));
      return 1;
    } catch (java.io.IOException e) {
      err.println(source + ": cannot read it: " + e.getMessage());
      return 1;
    }
    ClusterFacts defaultFacts = new ClusterFacts(tikvVersion, clusterTls);
    JobSettings settings = new JobSettings(agentImage, "IfNotPresent");
    int failures = 0;
    boolean first = true;
    int index = 0;
    // v2 objects' clusters first: Cluster, PDGroup and TiKVGroup may come anywhere in the input
    for (JsonNode doc : docs) {
      if (doc.path("apiVersion").asText().equals(V2ClusterFacts.API_VERSION)) {
        var r =
            Serde.JSON.treeToValue(
                doc, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        (doc.path("kind").asText().equals("Cluster") ? v2Clusters : v2Groups).add(r);
      }
    }
    for (JsonNode doc : docs) {
      index++;
      String kind = doc.path("kind").asText();
      String name = doc.path("metadata").path("name").asText();
      String where = source + ": document " + index + " (" + kind + " " + name + ")";
      String apiVersion = doc.path("apiVersion").asText();
      if (apiVersion.equals(V2ClusterFacts.API_VERSION)) {
        continue; // read above, as the operator reads them
      }
      var type =
          apiVersion.equals(ApiConstants.API_VERSION)
              ? KINDS.get(kind)
              : apiVersion.equals(io.tidbbackup.api.v2.V2.API_VERSION) ? V2_KINDS.get(kind) : null;
      if (type == null) {
        err.println(
            where
                + ": kind \""
                + kind
                + "\" of apiVersion \""
                + doc.path("apiVersion").asText()
                + "\" is not one this operator serves (Backup, Restore, BackupSchedule or"
                + " CompactBackup of "
                + ApiConstants.API_VERSION
                + " or "
                + io.tidbbackup.api.v2.V2.API_VERSION
                + "; Cluster, PDGroup, TiKVGroup of "
                + V2ClusterFacts.API_VERSION
                + " for those)");
        failures++;
        continue;
      }
      // the CRD's own bounds, as the API server applies them before anything else sees the object
      String[] gv = apiVersion.split("/", 2);
      List<String> outOfBounds =
          SchemaBounds.problems(doc, gv[0], gv[1], kind.toLowerCase(java.util.Locale.ROOT) + "s");
      if (!outOfBounds.isEmpty()) {
        err.println(where + " is invalid: " + outOfBounds.get(0));
        failures++;
        continue;
      }
      io.fabric8.kubernetes.api.model.HasMetadata obj;
      try {
        obj = READER.unmarshal(Serde.json(doc), type);
      } catch (RuntimeException e) {
        err.println(where + " is invalid: " + wrongType(e));
        failures++;
        continue;
      }
      var unreadable = io.tidbbackup.api.TolerantReading.problems(obj);
      if (unreadable.isPresent()) {
        err.println(where + " is invalid: " + unreadable.get());
        failures++;
        continue;
      }
      defaults(obj);
      ClusterFacts facts = facts(obj, defaultFacts, where);
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
          defaults(child);
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
   * The cluster facts for {@code obj}: v1 objects (and v2 objects whose Cluster is not in the
   * input, which is said on stderr) get the command line's; a v2 object whose Cluster is in the
   * input gets what the operator would read from it, its PDGroup and its TiKVGroup.
   */
  ClusterFacts facts(
      io.fabric8.kubernetes.api.model.HasMetadata obj, ClusterFacts given, String where) {
    if (io.tidbbackup.operator.surface.ApiSurface.of(obj)
        != io.tidbbackup.operator.surface.ApiSurface.V2) {
      return given;
    }
    io.tidbbackup.api.BRConfig br =
        obj instanceof Backup b
            ? b.getSpec().br
            : obj instanceof Restore r
                ? r.getSpec().br
                : obj instanceof CompactBackup c
                    ? c.getSpec().br
                    : ((io.tidbbackup.api.BackupSchedule) obj).getSpec().br;
    if (br == null && obj instanceof io.tidbbackup.api.BackupSchedule bs) {
      br = bs.getSpec().backupTemplate == null ? null : bs.getSpec().backupTemplate.br;
    }
    String ns = obj.getMetadata().getNamespace();
    String cluster = br == null ? null : br.cluster;
    String clusterNs =
        br != null && br.clusterNamespace != null && !br.clusterNamespace.isEmpty()
            ? br.clusterNamespace
            : ns;
    var found =
        v2Clusters.stream()
            .filter(
                c ->
                    c.getMetadata().getName().equals(cluster)
                        && (clusterNs == null
                            || c.getMetadata().getNamespace() == null
                            || clusterNs.equals(c.getMetadata().getNamespace())))
            .findFirst();
    if (found.isEmpty()) {
      err.println(
          where
              + ": no Cluster "
              + cluster
              + " (core.pingcap.com) in the input: assumed PD at "
              + cluster
              + "-pd."
              + (clusterNs == null ? "<namespace>" : clusterNs)
              + ":2379, TiKV "
              + given.tikvVersion()
              + (given.clusterTls() ? ", cluster TLS" : ", no cluster TLS")
              + " (the operator reads them from the Cluster, its PDGroup and its TiKVGroup)");
      return given;
    }
    var c = found.get();
    if (c.getMetadata().getNamespace() == null) {
      c.getMetadata().setNamespace(clusterNs == null ? "default" : clusterNs);
    }
    try {
      return V2ClusterFacts.facts(c, ofKind("PDGroup"), ofKind("TiKVGroup"), given.tikvVersion());
    } catch (io.tidbbackup.operator.cluster.ClusterNotFound e) {
      err.println(where + ": " + e.getMessage() + " (the operator would wait: rendered anyway)");
      return given;
    }
  }

  private List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> ofKind(String kind) {
    return v2Groups.stream().filter(g -> kind.equals(g.getKind())).toList();
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

  /** A field of the wrong type, named by its path, without a stack trace. */
  static String wrongType(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
        StringBuilder path = new StringBuilder();
        for (var ref : m.getPath()) {
          if (ref.getFieldName() != null) {
            path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
          } else if (ref.getIndex() >= 0) {
            path.append('[').append(ref.getIndex()).append(']');
          }
        }
        String said = m.getOriginalMessage();
        int nl = said.indexOf('\n');
        return (path.length() == 0 ? "" : path + ": ") + (nl < 0 ? said : said.substring(0, nl));
      }
    }
    return String.valueOf(e.getMessage());
  }

  /** What the API server would fill in: the namespace, the creation time, and the CRD defaults. */
  static void defaults(io.fabric8.kubernetes.api.model.HasMetadata b) {
    if (b instanceof io.fabric8.kubernetes.client.CustomResource<?, ?> cr) {
      io.tidbbackup.api.CrdDefaults.apply(cr.getSpec());
    }
    if (b.getMetadata().getNamespace() == null) {
      b.getMetadata().setNamespace("default");
    }
    if (b.getMetadata().getCreationTimestamp() == null) {
      b.getMetadata().setCreationTimestamp(Timestamps.format(Instant.now()));
    }
  }
}
