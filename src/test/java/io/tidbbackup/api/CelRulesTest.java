package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No API server runs here, so every x-kubernetes-validations rule of the committed CRDs is compiled
 * and evaluated with CEL-Java against valid and invalid objects, the way the API server would
 * (after defaults).
 */
class CelRulesTest {
  static final CelOptions OPTIONS =
      CelOptions.current()
          .enableHeterogeneousNumericComparisons(true)
          .enableOptionalSyntax(true)
          .build();
  static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .setOptions(OPTIONS)
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .addLibraries(CelExtensions.strings(), CelExtensions.sets(OPTIONS), CelExtensions.lists())
          .build();
  static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .setOptions(OPTIONS)
          .addLibraries(CelExtensions.strings(), CelExtensions.sets(OPTIONS), CelExtensions.lists())
          .build();

  /**
   * A rule and where in the schema it sits ("" = the object root, "spec", "spec.backupTemplate",
   * …).
   */
  record Rule(String path, String rule, String message) {}

  static List<Rule> rules(String crdFile) throws IOException {
    JsonNode crd = Serde.YAML.readTree(Path.of("crds", crdFile).toFile());
    List<Rule> out = new ArrayList<>();
    collect(
        crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"), "", out);
    return out;
  }

  static void collect(JsonNode schema, String path, List<Rule> out) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      out.add(new Rule(path, v.path("rule").asText(), v.path("message").asText()));
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            e -> collect(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
  }

  static boolean eval(String rule, Object self) throws Exception {
    CelValidationResult r = COMPILER.compile(rule);
    assertThat(r.hasError())
        .as("rule %s compiles: %s", rule, r.hasError() ? r.getErrorString() : "")
        .isFalse();
    return (Boolean) RUNTIME.createProgram(r.getAst()).eval(Map.of("self", self, "oldSelf", self));
  }

  /**
   * Evaluates every rule of the CRD that applies at {@code path} against {@code obj}; returns the
   * failed messages.
   */
  static List<String> failures(String crdFile, Object obj) throws Exception {
    List<String> failed = new ArrayList<>();
    for (Rule r : rules(crdFile)) {
      Object self = at(obj, r.path());
      if (self != null && !eval(r.rule(), self)) {
        failed.add(r.message());
      }
    }
    return failed;
  }

  @SuppressWarnings("unchecked")
  static Object at(Object obj, String path) {
    Object cur = obj;
    if (path.isEmpty()) {
      return cur;
    }
    for (String p : path.split("\\.")) {
      if (!(cur instanceof Map<?, ?> m) || !m.containsKey(p)) {
        return null;
      }
      cur = ((Map<String, Object>) m).get(p);
    }
    return cur;
  }

  /**
   * YAML → maps with Long numbers (CEL has no Integer), with the CRD defaults the rules rely on.
   */
  static Map<String, Object> object(String yaml) throws IOException {
    Map<String, Object> m =
        Serde.YAML.readValue(yaml, new TypeReference<LinkedHashMap<String, Object>>() {});
    return (Map<String, Object>) longs(m);
  }

  @SuppressWarnings("unchecked")
  static Object longs(Object o) {
    if (o instanceof Integer i) {
      return i.longValue();
    }
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> out.put(k, longs(v)));
      return out;
    }
    if (o instanceof List<?> l) {
      return l.stream().map(CelRulesTest::longs).toList();
    }
    return o;
  }

  @Test
  void everyRuleCompiles() throws Exception {
    for (String crd :
        List.of(
            "backups.pingcap.com.yaml",
            "restores.pingcap.com.yaml",
            "backupschedules.pingcap.com.yaml")) {
      List<Rule> rules = rules(crd);
      assertThat(rules).as(crd).isNotEmpty();
      for (Rule r : rules) {
        assertThat(COMPILER.compile(r.rule()).hasError()).as("%s: %s", crd, r.rule()).isFalse();
      }
    }
  }

  @Test
  void everyBackupExampleIsAccepted() throws Exception {
    for (java.io.File f :
        Path.of("examples").toFile().listFiles((d, n) -> n.startsWith("backup-"))) {
      assertThat(
              failures(
                  "backups.pingcap.com.yaml", object(java.nio.file.Files.readString(f.toPath()))))
          .as(f.getName())
          .isEmpty();
    }
  }

  static final String S3 = "  s3: {provider: aws, bucket: b, prefix: p}\n";

  static List<String> backupFailures(String spec) throws Exception {
    return failures(
        "backups.pingcap.com.yaml",
        object(
            "apiVersion: pingcap.com/v1alpha1\nkind: Backup\n"
                + "metadata: {name: x}\nspec:\n"
                + spec));
  }

  @Test
  void logStopAndLogSubcommandAreExclusive() throws Exception {
    assertThat(
            backupFailures(
                "  backupMode: log\n  logStop: true\n  logSubcommand: log-start\n  br: {cluster: c}\n"
                    + S3))
        .containsExactly(
            "logStop and logSubcommand are mutually exclusive; use logSubcommand: log-stop");
    assertThat(backupFailures("  backupMode: log\n  logStop: true\n  br: {cluster: c}\n" + S3))
        .isEmpty();
    assertThat(
            backupFailures(
                "  backupMode: log\n  logStop: false\n  logSubcommand: log-stop\n  br: {cluster: c}\n"
                    + S3))
        .isEmpty();
  }

  /**
   * Prefixes BR would read otherwise than the cleaner (URL escapes, '?', '#', '..') are refused.
   */
  @Test
  void prefixesBrReadsDifferentlyFromTheCleanerAreRefused() throws Exception {
    for (String bad :
        List.of(
            "team/backup-1%2Fweekly",
            "a/../b", "./a", "a/..", "a//b", "a?x=1", "a#frag", "back\\\\slash", "tab\\there")) {
      assertThat(
              backupFailures(
                  "  br: {cluster: c}\n  s3: {provider: aws, bucket: b, prefix: \""
                      + bad
                      + "\"}\n"))
          .as(bad)
          .anyMatch(m -> m.startsWith("a prefix may not contain"));
    }
    for (String ok :
        List.of("team/backup-1", "/leading/and/trailing/", "a.b/c..d/...", "x-1_2~3")) {
      assertThat(
              backupFailures(
                  "  br: {cluster: c}\n  s3: {provider: aws, bucket: b, prefix: \"" + ok + "\"}\n"))
          .as(ok)
          .isEmpty();
    }
  }

  @Test
  void exactlyOneStorageProvider() throws Exception {
    assertThat(backupFailures("  br: {cluster: c}\n" + S3 + "  gcs: {projectId: p, bucket: b}\n"))
        .contains(
            "set at most one storage provider of s3, gcs, azblob and local",
            "spec: set exactly one storage provider of s3, gcs, azblob and local");
    assertThat(backupFailures("  br: {cluster: c}\n"))
        .containsExactly("spec: set exactly one storage provider of s3, gcs, azblob and local");
  }

  @Test
  void dumplingNeedsFromAndLogSubcommandNeedsLogMode() throws Exception {
    assertThat(backupFailures(S3)).containsExactly("a Dumpling backup (no br) needs from");
    assertThat(
            backupFailures(
                "  backupMode: snapshot\n  logSubcommand: log-start\n  br: {cluster: c}\n" + S3))
        .containsExactly("logSubcommand needs backupMode: log");
  }

  @Test
  void scheduleTemplatesMayTakeTheirStorageFromTheSchedule() throws Exception {
    String schedule =
        "apiVersion: pingcap.com/v1alpha1\nkind: BackupSchedule\nmetadata: {name: s}\nspec:\n"
            + "  schedule: '0 0 * * *'\n"
            + S3
            + "  backupTemplate:\n    br: {cluster: c}\n";
    assertThat(failures("backupschedules.pingcap.com.yaml", object(schedule))).isEmpty();
    String twoInTemplate =
        schedule + "    s3: {provider: aws, bucket: b}\n    gcs: {projectId: p, bucket: b}\n";
    assertThat(failures("backupschedules.pingcap.com.yaml", object(twoInTemplate)))
        .containsExactly("set at most one storage provider of s3, gcs, azblob and local");
  }

  static List<String> restoreFailures(String spec) throws Exception {
    return failures(
        "restores.pingcap.com.yaml",
        object(
            "apiVersion: pingcap.com/v1alpha1\nkind: Restore\n"
                + "metadata: {name: r}\nspec:\n"
                + spec));
  }

  @Test
  void pitrNeedsExactlyOneOfFullBackupStorageAndLogRestoreStartTs() throws Exception {
    String msg =
        "a pitr restore needs exactly one of pitrFullBackupStorageProvider and logRestoreStartTs"
            + " (or backupSource)";
    assertThat(restoreFailures("  restoreMode: pitr\n  br: {cluster: c}\n" + S3))
        .containsExactly(msg);
    assertThat(
            restoreFailures(
                "  restoreMode: pitr\n  br: {cluster: c}\n"
                    + S3
                    + "  logRestoreStartTs: '1'\n"
                    + "  pitrFullBackupStorageProvider:\n    s3: {provider: aws, bucket: b}\n"))
        .containsExactly(msg);
    assertThat(
            restoreFailures(
                "  restoreMode: pitr\n  br: {cluster: c}\n" + S3 + "  logRestoreStartTs: '1'\n"))
        .isEmpty();
    assertThat(restoreFailures("  br: {cluster: c}\n" + S3)).isEmpty();
    assertThat(restoreFailures(S3)).containsExactly("a TiDB Lightning restore (no br) needs to");
    // the operator picks the backups: neither is needed, and a schedule or a cluster, not both
    assertThat(
            restoreFailures(
                "  restoreMode: pitr\n  br: {cluster: c}\n  backupSource: {backupSchedule: n}\n"))
        .isEmpty();
    assertThat(
            restoreFailures(
                "  restoreMode: pitr\n  br: {cluster: c}\n"
                    + "  backupSource: {backupSchedule: n, cluster: c}\n"))
        .containsExactly("backupSource: set exactly one of backupSchedule and cluster");
  }
}
