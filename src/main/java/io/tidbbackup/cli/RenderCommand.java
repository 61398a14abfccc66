package io.tidbbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.OperatorSettings;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.JobSettings;
import java.io.File;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
            + "with no cluster. Exits 1 when an object is invalid, printing the message its Invalid condition would carry.")
public class RenderCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--file"},
      required = true,
      description = "YAML file with Backup, Restore and CompactBackup objects")
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

  @Override
  public Integer call() throws Exception {
    int failures = 0;
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = Serde.YAML.readerFor(JsonNode.class).readValues(file)) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) {
          docs.add(n);
        }
      }
    }
    ClusterFacts facts = new ClusterFacts(tikvVersion, clusterTls);
    JobSettings settings = new JobSettings(agentImage, "IfNotPresent");
    boolean first = true;
    for (JsonNode doc : docs) {
      String kind = doc.path("kind").asText();
      Render.Result r;
      if (kind.equals("Backup")) {
        Backup b = Serde.JSON.convertValue(doc, Backup.class);
        defaults(b);
        r =
            command
                ? Render.backupCommand(b, facts, settings)
                : Render.backupJob(b, facts, settings);
      } else if (kind.equals("Restore")) {
        Restore rt = Serde.JSON.convertValue(doc, Restore.class);
        defaults(rt);
        r =
            command
                ? Render.restoreCommand(rt, facts, settings)
                : Render.restoreJob(rt, facts, settings);
      } else if (kind.equals("CompactBackup")) {
        CompactBackup cb = Serde.JSON.convertValue(doc, CompactBackup.class);
        defaults(cb);
        r =
            command
                ? Render.compactCommand(cb, facts, settings)
                : Render.compactJob(cb, facts, settings);
      } else {
        err.println(
            "skipping "
                + kind
                + " "
                + doc.path("metadata").path("name").asText()
                + ": not rendered");
        continue;
      }
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
    return failures == 0 ? 0 : 1;
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
