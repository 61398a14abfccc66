package io.tidbbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.cluster.V2ClusterFacts;
import io.tidbbackup.operator.job.ClusterFacts;
import java.io.File;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manifests of {@code render}'s input, read as the API server and the operator read them: the
 * YAML documents of the file (or stdin), the kind each names and in which API group (pingcap.com,
 * or br.pingcap.com of TiDB Operator v2), the CRD's own bounds, the model with its unknown fields
 * and values, and what the API server fills in; and TiDB Operator v2's cluster objects
 * (core.pingcap.com) of the input, from which a v2 object's cluster facts are read. Apart from
 * {@link RenderCommand}, which renders what this reads. Whatever it refuses it says on the error
 * stream, one line each.
 */
final class ManifestReader {
  /** Our kinds, read as the operator reads them: an unknown field or value is written down. */
  static final io.fabric8.kubernetes.client.utils.KubernetesSerialization READER =
      io.tidbbackup.api.TolerantReading.serialization();

  static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Backup", Backup.class,
          "Restore", Restore.class,
          "CompactBackup", CompactBackup.class,
          "BackupSchedule", io.tidbbackup.api.BackupSchedule.class);

  /** The same kinds of TiDB Operator v2's API, br.pingcap.com. */
  static final Map<String, Class<? extends HasMetadata>> V2_KINDS =
      Map.of(
          "Backup", io.tidbbackup.api.v2.BrBackup.class,
          "Restore", io.tidbbackup.api.v2.BrRestore.class,
          "CompactBackup", io.tidbbackup.api.v2.BrCompactBackup.class,
          "BackupSchedule", io.tidbbackup.api.v2.BrBackupSchedule.class);

  private final File file;
  private final PrintStream err;

  /** TiDB Operator v2's cluster objects (core.pingcap.com) found in the input. */
  private final List<GenericKubernetesResource> v2Clusters = new ArrayList<>();

  private final List<GenericKubernetesResource> v2Groups = new ArrayList<>();

  /**
   * @param file the input, {@code -} for stdin
   * @param err where a refusal is said
   */
  ManifestReader(File file, PrintStream err) {
    this.file = file;
    this.err = err;
  }

  /** The input as messages name it: its path, or {@code <stdin>}. */
  String source() {
    return file.getPath().equals("-") ? "<stdin>" : file.getPath();
  }

  /**
   * The documents of the input (empty ones left out), with the v2 cluster objects among them kept
   * for {@link #facts}; empty when the input is not YAML or cannot be read, said on the error
   * stream.
   */
  Optional<List<JsonNode>> read() throws com.fasterxml.jackson.core.JsonProcessingException {
    boolean stdin = file.getPath().equals("-");
    String source = source();
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
      return Optional.empty();
    } catch (java.io.IOException e) {
      err.println(source + ": cannot read it: " + e.getMessage());
      return Optional.empty();
    }
    // v2 objects' clusters first: Cluster, PDGroup and TiKVGroup may come anywhere in the input
    for (JsonNode doc : docs) {
      if (isV2Cluster(doc)) {
        var r = Serde.JSON.treeToValue(doc, GenericKubernetesResource.class);
        (doc.path("kind").asText().equals("Cluster") ? v2Clusters : v2Groups).add(r);
      }
    }
    return Optional.of(docs);
  }

  /** A TiDB Operator v2 cluster object (core.pingcap.com): read by {@link #read}, not rendered. */
  static boolean isV2Cluster(JsonNode doc) {
    return doc.path("apiVersion").asText().equals(V2ClusterFacts.API_VERSION);
  }

  /**
   * The object of {@code doc} as the API server would keep it (its defaults filled in); null when
   * it is not one of our kinds or is invalid, said on the error stream after {@code where}.
   */
  HasMetadata object(JsonNode doc, String where) {
    String kind = doc.path("kind").asText();
    String apiVersion = doc.path("apiVersion").asText();
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
      return null;
    }
    // the CRD's own bounds, as the API server applies them before anything else sees the object
    String[] gv = apiVersion.split("/", 2);
    List<String> outOfBounds =
        SchemaBounds.problems(doc, gv[0], gv[1], kind.toLowerCase(java.util.Locale.ROOT) + "s");
    if (!outOfBounds.isEmpty()) {
      err.println(where + " is invalid: " + outOfBounds.get(0));
      return null;
    }
    HasMetadata obj;
    try {
      obj = READER.unmarshal(Serde.json(doc), type);
    } catch (RuntimeException e) {
      err.println(where + " is invalid: " + wrongType(e));
      return null;
    }
    var unreadable = io.tidbbackup.api.TolerantReading.problems(obj);
    if (unreadable.isPresent()) {
      err.println(where + " is invalid: " + unreadable.get());
      return null;
    }
    defaults(obj);
    return obj;
  }

  /**
   * The cluster facts for {@code obj}: v1 objects (and v2 objects whose Cluster is not in the
   * input, which is said on stderr) get the command line's; a v2 object whose Cluster is in the
   * input gets what the operator would read from it, its PDGroup and its TiKVGroup.
   */
  ClusterFacts facts(HasMetadata obj, ClusterFacts given, String where) {
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

  private List<GenericKubernetesResource> ofKind(String kind) {
    return v2Groups.stream().filter(g -> kind.equals(g.getKind())).toList();
  }

  /** A field of the wrong type, named by its path, without a stack trace. */
  static String wrongType(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
        return Serde.wrongType(m, "");
      }
    }
    return String.valueOf(e.getMessage());
  }

  /** What the API server would fill in: the namespace, the creation time, and the CRD defaults. */
  static void defaults(HasMetadata b) {
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
