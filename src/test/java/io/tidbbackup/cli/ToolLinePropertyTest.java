package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.agent.AgentArgs;
import io.tidbbackup.agent.BackupAgent;
import io.tidbbackup.agent.CompactCommand;
import io.tidbbackup.agent.RestoreAgent;
import io.tidbbackup.agent.ToolCommand;
import io.tidbbackup.agent.ToolLines;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.CompactSpec;
import io.tidbbackup.api.CrdDefaults;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.api.Timestamps;
import io.tidbbackup.operator.job.BackupJobBuilder;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.CompactJobBuilder;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.RestoreJobBuilder;
import io.tidbbackup.operator.validation.BackupValidator;
import io.tidbbackup.operator.validation.CompactValidator;
import io.tidbbackup.operator.validation.RestoreValidator;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.tools.ParsedLine;
import io.tidbbackup.tools.RefusedLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every command line the agent can build, over the whole spec space (backup type × mode × log
 * subcommand × storage provider × br fields × tableFilter × timestamp form × TLS × v1/v2 facts ×
 * tool release), is read by the model of the release the Job runs (tools/*.tsv) with no refusal,
 * and with the user's meaning: the storage, the filters and every timestamp arrive as given. A spec
 * the validator calls Invalid never becomes a Job, so it is not built; each dimension must still
 * reach the builders often enough.
 */
class ToolLinePropertyTest {
  static final List<String> RELEASES =
      List.of("v6.5.0", "v7.1.0", "v7.5.0", "v8.1.0", "v8.5.0", "v8.5.5", "nightly");
  static final int SPECS_PER_RELEASE = 1500;
  static final String ZONED = "2024-06-01 12:00:00+0800";
  static final String ZONELESS = "2024-06-01 12:00:00";
  static final String RFC3339 = "2024-06-01T12:00:00Z";
  static final String TSO = "450153676800000000";

  final Map<String, Integer> built = new TreeMap<>();
  final List<String> refusals = new ArrayList<>();

  @Test
  void everyLineOfEveryReleaseIsAcceptedWithItsMeaning() {
    Random r = new Random(20261207L);
    for (String release : RELEASES) {
      for (int i = 0; i < SPECS_PER_RELEASE; i++) {
        backup(r, release);
        restore(r, release);
      }
      for (int i = 0; i < 300; i++) {
        compact(r, release);
      }
    }
    System.out.println("ToolLinePropertyTest: lines built " + built);
    assertThat(refusals).as("lines the tools refuse").isEmpty();
    // every dimension reached the builders
    for (String key :
        List.of(
            "br backup full",
            "br backup db",
            "br backup table",
            "br log start",
            "br log stop",
            "br log pause",
            "br log resume",
            "br log truncate",
            "br restore full",
            "br restore db",
            "br restore table",
            "br restore point",
            "br abort restore full",
            "br abort restore point",
            "dumpling",
            "tidb-lightning",
            "tikv-ctl compact-log-backup",
            "storage s3",
            "storage gcs",
            "storage azblob",
            "storage local",
            "tls",
            "v2 pd",
            "ts zoneless",
            "ts zoned",
            "ts rfc3339",
            "ts tso",
            "filter",
            "encryption snapshot",
            "encryption log",
            "encryption master-key")) {
      assertThat(built.getOrDefault(key, 0)).as("lines built for %s", key).isGreaterThan(20);
    }
  }

  // ---- generators

  static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  String ts(Random r) {
    String kind = pick(r, List.of("tso", "zoned", "zoneless", "rfc3339"));
    count("ts " + kind);
    return switch (kind) {
      case "tso" -> TSO;
      case "zoned" -> ZONED;
      case "zoneless" -> ZONELESS;
      default -> RFC3339;
    };
  }

  String storage(Random r, String indent, boolean brOnly) {
    String kind =
        pick(r, brOnly ? List.of("s3", "gcs", "azblob", "local") : List.of("s3", "gcs", "azblob"));
    count("storage " + kind);
    StringBuilder y = new StringBuilder();
    switch (kind) {
      case "s3" -> {
        y.append(indent).append("s3:\n");
        String provider = pick(r, List.of("aws", "ceph", "minio", "alibaba"));
        y.append(indent).append("  provider: ").append(provider).append('\n');
        y.append(indent).append("  bucket: bkt\n");
        y.append(indent)
            .append("  prefix: ")
            .append(pick(r, List.of("p", "a/b", "a/b/")))
            .append('\n');
        y.append(indent).append("  secretName: s3\n");
        if (r.nextBoolean()) {
          y.append(indent).append("  region: us-west-2\n");
        }
        if (!provider.equals("aws") || r.nextBoolean()) {
          y.append(indent).append("  endpoint: http://10.0.0.1:9000\n");
        }
        if (r.nextBoolean()) {
          y.append(indent).append("  forcePathStyle: ").append(r.nextBoolean()).append('\n');
        }
        for (String f : List.of("sse: aws:kms", "acl: private", "storageClass: STANDARD_IA")) {
          if (r.nextInt(4) == 0) {
            y.append(indent).append("  ").append(f).append('\n');
          }
        }
      }
      case "gcs" -> {
        y.append(indent).append("gcs:\n");
        y.append(indent).append("  projectId: p\n");
        y.append(indent).append("  bucket: bkt\n");
        y.append(indent).append("  prefix: g\n");
        y.append(indent).append("  secretName: gcs\n");
        if (r.nextBoolean()) {
          y.append(indent).append("  storageClass: NEARLINE\n");
        }
        if (r.nextBoolean()) {
          y.append(indent).append("  objectAcl: private\n");
        }
      }
      case "azblob" -> {
        y.append(indent).append("azblob:\n");
        y.append(indent).append("  container: c\n");
        y.append(indent).append("  prefix: z\n");
        if (r.nextBoolean()) {
          y.append(indent).append("  secretName: az\n");
        } else {
          y.append(indent).append("  storageAccount: acct\n");
          y.append(indent).append("  sasToken: EXAMPLEONLY-sv=2022&sig=a%2Bb\n");
        }
        if (r.nextBoolean()) {
          y.append(indent).append("  accessTier: Cool\n");
        }
      }
      default -> {
        y.append(indent).append("local:\n");
        y.append(indent).append("  prefix: l\n");
        y.append(indent).append("  volume: {name: nfs, nfs: {server: 10.0.0.2, path: /nfs}}\n");
        y.append(indent).append("  volumeMount: {name: nfs, mountPath: /nfs}\n");
      }
    }
    return y.toString();
  }

  String filter(Random r) {
    if (r.nextInt(3) != 0) {
      return "";
    }
    count("filter");
    return pick(
        r,
        List.of(
            "tableFilter: [\"db1.*\"]\n",
            "tableFilter: [\"db1.*\", \"!db1.tmp_*\"]\n",
            "tableFilter: [\"/^sales$/.*\", \"db-2.t`x\"]\n"));
  }

  String br(Random r, String type) {
    StringBuilder y = new StringBuilder("br:\n  cluster: basic\n");
    if (r.nextBoolean()) {
      y.append("  clusterNamespace: other\n");
    }
    String[] optional = {
      "logLevel: debug", "statusAddr: 0.0.0.0:8286", "concurrency: 8", "rateLimit: 120",
      "timeAgo: 1m", "checksum: false", "checkRequirements: false", "sendCredToTikv: false",
      "onLine: true"
    };
    for (String o : optional) {
      if (r.nextInt(3) == 0) {
        y.append("  ").append(o).append('\n');
      }
    }
    if ("db".equals(type) || "table".equals(type)) {
      y.append("  db: db1\n");
    }
    if ("table".equals(type)) {
      y.append("  table: t1\n");
    }
    return y.toString();
  }

  /**
   * spec.encryption: sometimes, with the parts the kind reads (log data: a key or a master key).
   */
  String encryption(Random r, boolean snapshotData, boolean logData) {
    if (r.nextInt(3) != 0) {
      return "";
    }
    StringBuilder y = new StringBuilder("encryption:\n");
    String method = "{method: " + pick(r, List.of("aes128-ctr", "aes192-ctr", "aes256-ctr"));
    if (snapshotData && (!logData || r.nextBoolean())) {
      y.append("  snapshot: ").append(method).append(", secretKeyRef: {name: k, key: s}}\n");
    }
    if (logData) {
      String part = pick(r, List.of("log", "masterKey"));
      y.append("  ").append(part).append(": ").append(method);
      y.append(", secretKeyRef: {name: k, key: l}}\n");
    }
    return y.toString();
  }

  /**
   * Each part of spec.encryption the line's command reads arrives as its method and the path of the
   * mounted key file; a part it does not read, and any key itself, never.
   */
  void assertEncryption(
      ParsedLine line,
      io.tidbbackup.api.Encryption e,
      boolean snapshotData,
      boolean logData,
      CharSequence spec) {
    assertThat(line.has("crypter.key")).as(spec.toString()).isFalse();
    assertThat(line.has("log.crypter.key")).as(spec.toString()).isFalse();
    String[][] parts = {
      {"snapshot", "crypter.method", "crypter.key-file", ""},
      {"log", "log.crypter.method", "log.crypter.key-file", ""},
      {"master-key", "master-key-crypter-method", "master-key", "local://"}
    };
    for (String[] p : parts) {
      io.tidbbackup.api.EncryptionKey k = e == null ? null : e.parts().get(p[0]);
      boolean read = p[0].equals("snapshot") ? snapshotData : logData;
      if (k == null || !read) {
        assertThat(line.has(p[1]) || line.has(p[2])).as(spec.toString()).isFalse();
        continue;
      }
      count("encryption " + p[0]);
      assertThat(line.last(p[1])).as(spec.toString()).isEqualTo(k.method.value());
      assertThat(line.last(p[2]))
          .as(spec.toString())
          .isEqualTo(p[3] + JobEnv.encryptionKeyFile(p[0]));
    }
  }

  ClusterFacts facts(Random r, String release) {
    boolean tls = r.nextBoolean();
    boolean v2 = r.nextBoolean();
    if (tls) {
      count("tls");
    }
    if (v2) {
      count("v2 pd");
    }
    return new ClusterFacts(release, tls, v2 ? "basic-pd-peer.tidb:2379" : null);
  }

  // ---- kinds

  void backup(Random r, String release) {
    String kind = pick(r, List.of("snapshot", "snapshot", "log", "log", "dumpling"));
    StringBuilder y = new StringBuilder();
    String type = pick(r, new ArrayList<>(java.util.Arrays.asList(null, "full", "db", "table")));
    if (kind.equals("dumpling")) {
      y.append("from: {host: basic-tidb, port: 4000, user: root, secretName: pw}\n");
      y.append(filter(r));
      if (r.nextBoolean()) {
        y.append("dumpling: {options: [\"--threads=8\", \"--rows=50000\"]}\n");
      }
      y.append(storage(r, "", false));
    } else {
      if (kind.equals("log")) {
        y.append("backupMode: log\n");
        String sub =
            pick(r, List.of("log-start", "log-stop", "log-pause", "log-resume", "log-truncate"));
        y.append("logSubcommand: ").append(sub).append('\n');
        if (sub.equals("log-truncate") || r.nextBoolean()) {
          y.append("logTruncateUntil: \"").append(ts(r)).append("\"\n");
        }
      } else if (type != null) {
        y.append("backupType: ").append(type).append('\n');
      }
      if (r.nextBoolean()) {
        y.append("commitTs: \"").append(ts(r)).append("\"\n");
      }
      y.append(filter(r));
      y.append(br(r, kind.equals("log") ? null : type));
      y.append(storage(r, "", true));
      y.append(encryption(r, !kind.equals("log"), kind.equals("log")));
    }
    Backup b = load(Backup.class, y.toString());
    ClusterFacts facts = facts(r, release);
    BackupSpec spec = b.getSpec();
    if (!BackupValidator.problems(spec, release).isEmpty()) {
      return;
    }
    Job job = BackupJobBuilder.build(b, Render.logCommand(spec), facts, JobSettings.defaults());
    Container main = main(job);
    var inv = AgentArgs.backup(agentArgs(main), Serde.fromJson(env(main), BackupSpec.class));
    ToolCommand cmd = BackupAgent.command(inv, Render.presentEnv(main));
    ParsedLine line = parse(cmd, inv.toolVersion(), y);
    if (line == null) {
      return;
    }
    if (inv.dumpling()) {
      assertThat(line.last("output")).startsWith(StorageLocation.of(spec).url());
      return;
    }
    assertThat(line.last("storage")).as(y.toString()).startsWith(StorageLocation.of(spec).url());
    boolean filtered = spec.tableFilter != null && !spec.tableFilter.isEmpty();
    if (filtered && (inv.logSubcommand() == null || line.command().equals("log start"))) {
      assertThat(line.flags().get("filter")).as(y.toString()).isEqualTo(spec.tableFilter);
    }
    if (inv.logSubcommand() == null) {
      assertTso(line.last("backupts"), spec.commitTs, y);
    } else if (line.command().equals("log truncate")) {
      assertTso(line.last("until"), spec.logTruncateUntil, y);
    } else if (line.command().equals("log start") && !"0".equals(spec.commitTs)) {
      assertTso(line.last("start-ts"), spec.commitTs, y);
    }
    boolean logData = line.command().equals("log start");
    assertEncryption(line, spec.encryption, inv.logSubcommand() == null, logData, y);
  }

  void restore(Random r, String release) {
    String kind = pick(r, List.of("snapshot", "pitr", "lightning"));
    StringBuilder y = new StringBuilder();
    String type = pick(r, new ArrayList<>(java.util.Arrays.asList(null, "full", "db", "table")));
    if (kind.equals("lightning")) {
      y.append("to: {host: basic-tidb, port: 4000, user: root, secretName: pw}\n");
      y.append(filter(r));
      y.append(storage(r, "", false));
    } else {
      if (kind.equals("pitr")) {
        y.append("restoreMode: pitr\n");
        if (r.nextBoolean()) {
          y.append("pitrRestoredTs: \"").append(ts(r)).append("\"\n");
        }
        if (r.nextBoolean()) {
          y.append("pitrFullBackupStorageProvider:\n").append(storage(r, "  ", true));
        } else if (r.nextBoolean()) {
          y.append("logRestoreStartTs: \"").append(ts(r)).append("\"\n");
        }
      } else if (type != null) {
        y.append("backupType: ").append(type).append('\n');
      }
      if (r.nextBoolean()) {
        y.append("prune: afterFailed\n");
      }
      y.append(filter(r));
      y.append(br(r, kind.equals("pitr") ? null : type));
      y.append(storage(r, "", true));
      y.append(encryption(r, true, kind.equals("pitr")));
    }
    Restore rt = load(Restore.class, y.toString());
    ClusterFacts facts = facts(r, release);
    RestoreSpec spec = rt.getSpec();
    if (!RestoreValidator.problems(spec, release).isEmpty()) {
      return;
    }
    for (boolean prune : spec.prune == null ? List.of(false) : List.of(false, true)) {
      Container main = main(RestoreJobBuilder.build(rt, prune, facts, JobSettings.defaults()));
      var inv = AgentArgs.restore(agentArgs(main), Serde.fromJson(env(main), RestoreSpec.class));
      ToolCommand cmd = RestoreAgent.command(inv, Render.presentEnv(main));
      ParsedLine line = parse(cmd, inv.toolVersion(), y);
      if (line != null && inv.lightning()) {
        // the settings the agent writes to Lightning's file are keys Lightning knows
        for (var e : cmd.config().entries()) {
          assertThat(io.tidbbackup.tools.ToolModel.lightningConfigKeys())
              .contains(e.section() + "." + e.key());
        }
      }
      if (line == null || inv.lightning()) {
        continue;
      }
      assertThat(line.last("storage")).as(y.toString()).startsWith(StorageLocation.of(spec).url());
      assertEncryption(line, spec.encryption, true, line.command().endsWith("point"), y);
      if (line.command().endsWith("point")) {
        assertTso(
            line.last("restored-ts"), spec.pitrRestoredTs == null ? "0" : spec.pitrRestoredTs, y);
        if (spec.logRestoreStartTs != null && !line.has("full-backup-storage")) {
          assertTso(line.last("start-ts"), spec.logRestoreStartTs, y);
        }
      }
    }
  }

  void compact(Random r, String release) {
    StringBuilder y = new StringBuilder();
    if (r.nextBoolean()) {
      y.append("mode: sharded\nshardCount: 3\n");
      if (r.nextBoolean()) {
        y.append("physicalFileCacheCapacity: 10GiB\n");
      }
    }
    y.append("startTs: \"").append(ts(r)).append("\"\n");
    if (r.nextInt(4) != 0) {
      y.append("endTs: \"").append(ts(r)).append("\"\n");
    }
    y.append("br: {cluster: basic}\n");
    String s = storage(r, "", false);
    if (s.contains("sasToken")) {
      return; // tikv-ctl takes no SAS token: Invalid, tested in CompactValidatorTest
    }
    y.append(s);
    CompactBackup cb = load(CompactBackup.class, y.toString());
    CompactSpec spec = cb.getSpec();
    if (CompactValidator.validate(spec).isPresent()
        || CompactValidator.validateTool(spec, release).isPresent()) {
      return;
    }
    Job job = CompactJobBuilder.build(cb, facts(r, release), JobSettings.defaults());
    CompactSpec agentSpec = Serde.fromJson(env(main(job)), CompactSpec.class);
    for (int shard = 0; shard < ("sharded".equals(spec.mode) ? 3 : 1); shard++) {
      ParsedLine line =
          parse(
              CompactCommand.build(agentSpec, "sharded".equals(spec.mode) ? shard : null, release),
              release,
              y);
      if (line != null) {
        assertTso(line.last("from"), spec.startTs, y);
        assertTso(line.last("until"), spec.endTs, y);
      }
    }
  }

  // ---- helpers

  static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T load(
      Class<T> type, String spec) {
    String kind = type.getSimpleName();
    String yaml =
        "apiVersion: pingcap.com/v1alpha1\nkind: "
            + kind
            + "\nmetadata: {name: prop, namespace: tidb, uid: u-1}\nspec:\n"
            + spec.indent(2);
    T obj = Serde.YAML.convertValue(readTree(yaml), type);
    ManifestReader.defaults(obj);
    obj.getMetadata().setCreationTimestamp("2024-01-01T00:00:00Z");
    if (obj instanceof Backup b) {
      CrdDefaults.apply(b.getSpec());
    } else if (obj instanceof Restore rt) {
      CrdDefaults.apply(rt.getSpec());
    } else if (obj instanceof CompactBackup c) {
      CrdDefaults.apply(c.getSpec());
    }
    return obj;
  }

  static com.fasterxml.jackson.databind.JsonNode readTree(String yaml) {
    try {
      return Serde.YAML.readTree(yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Container main(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static List<String> agentArgs(Container main) {
    return main.getArgs().subList(2, main.getArgs().size());
  }

  static String env(Container main) {
    return Render.envValue(main, JobEnv.SPEC);
  }

  ParsedLine parse(ToolCommand cmd, String release, CharSequence spec) {
    String tool = ToolLines.model(cmd).tool();
    try {
      ParsedLine line = ToolLines.parse(cmd, release);
      count(tool + (line.command().isEmpty() ? "" : " " + line.command()));
      assertThat(line.positionals()).as("positional arguments of %s", cmd.display()).isEmpty();
      return line;
    } catch (RefusedLine e) {
      // one example of each refusal, with the line and the spec that made it
      String head = e.getMessage() + " [" + tool + " " + cmd.args().get(0).display() + "]";
      if (refusals.stream().noneMatch(x -> x.startsWith(head))) {
        refusals.add(head + "\n  line: " + cmd.display() + "\n  spec:\n" + spec);
      }
      return null;
    }
  }

  void count(String key) {
    built.merge(key, 1, Integer::sum);
  }

  /** A timestamp flag carries the user's instant, as a TSO (a datetime without a zone is UTC). */
  static void assertTso(String flag, String userValue, CharSequence spec) {
    if (userValue == null || userValue.isEmpty()) {
      assertThat(flag).as(spec.toString()).isNull();
      return;
    }
    assertThat(flag).as(spec.toString()).isEqualTo(Timestamps.toTso(userValue));
  }
}
