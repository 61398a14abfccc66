package io.tidbbackup.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidbbackup.api.Serde;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the {@code br.pingcap.com} CRDs differ from the {@code pingcap.com} ones generated from the
 * same model: TiDB Operator v2's field set (a near-subset of v1's, same names), its status shape
 * ({@code metav1.Condition} with required fields and a pattern-checked reason, an integer progress)
 * and its schedule's names ({@code compactSpan}, {@code lastCompactTs}, {@code nextCompactEndTs}).
 * Fields this operator adds to v1's status for its own work ({@code cleanAttempts}, schedule {@code
 * conditions}, {@code lastCompactExecutionTs}, the CompactBackup's times and indexes) stay, as in
 * v1. Applied by {@link CrdFinisher}.
 */
final class V2Schema {
  static final String GROUP = "br.pingcap.com";

  private static final Set<String> PROVIDERS = Set.of("s3", "gcs", "azblob", "local");

  /**
   * TiDB Operator v2's BackupSpec (api/br/v1alpha1), less its EBS-only field, plus this operator's
   * additive {@code encryption} (as in v1).
   */
  static final Set<String> BACKUP_SPEC =
      withProviders(
          "resources env backupType backupMode br storageClassName storageSize commitTs"
              + " logSubcommand logTruncateUntil logStop tolerations toolImage imagePullSecrets"
              + " tableFilter affinity useKMS serviceAccount cleanPolicy cleanOption"
              + " podSecurityContext priorityClassName backoffRetryPolicy additionalVolumes"
              + " additionalVolumeMounts encryption");

  static final Set<String> RESTORE_SPEC =
      withProviders(
          "resources env backupType restoreMode br pitrRestoredTs logRestoreStartTs"
              + " pitrFullBackupStorageProvider storageClassName storageSize tolerations affinity"
              + " useKMS serviceAccount toolImage imagePullSecrets tableFilter podSecurityContext"
              + " priorityClassName additionalVolumes additionalVolumeMounts"
              + " tolerateSingleTiKVOutage backoffLimit encryption backupSource");

  static final Set<String> COMPACT_SPEC =
      withProviders(
          "resources env startTs endTs concurrency tolerations toolImage br imagePullSecrets"
              + " affinity useKMS serviceAccount podSecurityContext priorityClassName"
              + " maxRetryTimes additionalVolumes additionalVolumeMounts");

  static final Set<String> SCHEDULE_SPEC =
      withProviders(
          "schedule pause maxBackups maxReservedTime compactSpan backupTemplate"
              + " logBackupTemplate compactBackupTemplate storageClassName storageSize"
              + " imagePullSecrets br");

  /** Status fields v2 does not have, per kind. */
  static final Map<String, List<String>> STATUS_DROPPED =
      Map.of(
          "Backup", List.of("timeSynced", "brOperations"),
          "Restore", List.of("brOperations", "replicationStep"),
          "BackupSchedule", List.of("lastCompactProgress"),
          "CompactBackup", List.of());

  /** The v2-only fields the shared model has, removed from the v1 CRDs. */
  static final Map<String, List<String>> V2_ONLY =
      Map.of(
          "BackupSchedule.spec", List.of("compactSpan"),
          "BackupSchedule.status", List.of("lastCompactTs", "nextCompactEndTs"));

  /** metav1.Condition, as the API server's own types declare it. */
  static final String CONDITION =
      """
      type: object
      required: [lastTransitionTime, message, reason, status, type]
      properties:
        lastTransitionTime: {type: string, format: date-time}
        message: {type: string, maxLength: 32768}
        observedGeneration: {type: integer, format: int64, minimum: 0}
        reason:
          type: string
          maxLength: 1024
          minLength: 1
          pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'
        status: {type: string, enum: ['True', 'False', Unknown]}
        type:
          type: string
          maxLength: 316
          pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$'
      """;

  private V2Schema() {}

  private static Set<String> withProviders(String names) {
    var s = new java.util.HashSet<>(List.of(names.split(" ")));
    s.addAll(PROVIDERS);
    return Set.copyOf(s);
  }

  /** v1's printer columns that v2 does not show, per kind. */
  static final Map<String, List<String>> COLUMNS_DROPPED =
      Map.of(
          "Backup", List.of("IncrementalBackupSize"),
          "Restore", List.of(),
          "BackupSchedule", List.of(),
          "CompactBackup", List.of("EndTs", "Age"));

  /** v2's columns: v1's less {@link #COLUMNS_DROPPED}; a schedule's last backup with -o wide. */
  static void columns(String kind, ObjectNode version) {
    JsonNode cols = version.path("additionalPrinterColumns");
    for (Iterator<JsonNode> it = cols.iterator(); it.hasNext(); ) {
      JsonNode c = it.next();
      String name = c.path("name").asText();
      if (COLUMNS_DROPPED.get(kind).contains(name)) {
        it.remove();
      } else if (kind.equals("BackupSchedule") && name.startsWith("LastBackup")) {
        ((ObjectNode) c).put("priority", 1);
      }
    }
  }

  /**
   * The v1 CRD of {@code kind}: without the model's v2-only fields (those above, and a condition's
   * observedGeneration).
   */
  static void v1(String kind, ObjectNode schema) {
    for (String part : List.of("spec", "status")) {
      ObjectNode props = properties(schema.path("properties").path(part));
      if (props != null) {
        V2_ONLY.getOrDefault(kind + "." + part, List.of()).forEach(props::remove);
      }
    }
    JsonNode status = schema.path("properties").path("status").path("properties");
    List.of(
            status.path("conditions"),
            status
                .path("logSubCommandStatuses")
                .path("additionalProperties")
                .path("properties")
                .path("conditions"))
        .forEach(
            c -> {
              if (c.path("items").path("properties") instanceof ObjectNode p) {
                p.remove("observedGeneration");
              }
            });
  }

  /** The v2 CRD of {@code kind}, in place. */
  static void v2(String kind, ObjectNode schema) {
    ObjectNode spec = (ObjectNode) schema.path("properties").path("spec");
    ObjectNode status = properties(schema.path("properties").path("status"));
    switch (kind) {
      case "Backup" -> keep(spec, BACKUP_SPEC);
      case "Restore" -> keep(spec, RESTORE_SPEC);
      case "CompactBackup" -> keep(spec, COMPACT_SPEC);
      case "BackupSchedule" -> {
        ObjectNode props = properties(spec);
        props.set("compactSpan", props.get("compactInterval"));
        keep(spec, SCHEDULE_SPEC);
        for (String t : List.of("backupTemplate", "logBackupTemplate")) {
          if (props.get(t) instanceof ObjectNode template) {
            keep(template, BACKUP_SPEC);
          }
        }
        if (props.get("compactBackupTemplate") instanceof ObjectNode template) {
          keep(template, COMPACT_SPEC);
        }
      }
      default -> throw new IllegalArgumentException("no v2 schema for kind " + kind);
    }
    dropForcePathStyle(spec);
    if (status != null) {
      STATUS_DROPPED.get(kind).forEach(status::remove);
      // a schedule's conditions are this operator's addition; in v2 they take v2's shape too
      if (status.has("conditions")) {
        ((ObjectNode) status.get("conditions")).set("items", condition(false));
      }
      JsonNode log = status.path("logSubCommandStatuses").path("additionalProperties");
      if (log.path("properties").has("conditions")) {
        ((ObjectNode) log.path("properties").get("conditions")).set("items", condition(true));
      }
      JsonNode progress = status.path("progresses").path("items").path("properties");
      if (progress.has("progress")) {
        ((ObjectNode) progress).putObject("progress").put("type", "integer");
      }
    }
  }

  private static ObjectNode condition(boolean withCommand) {
    try {
      ObjectNode c = (ObjectNode) Serde.YAML.readTree(CONDITION);
      if (withCommand) {
        ((ObjectNode) c.get("properties")).putObject("command").put("type", "string");
      }
      return c;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** v2 has no {@code s3.forcePathStyle}: removed wherever an s3 provider appears. */
  private static void dropForcePathStyle(JsonNode node) {
    if (node instanceof ObjectNode o) {
      JsonNode s3 = o.path("s3").path("properties");
      if (s3 instanceof ObjectNode p) {
        p.remove("forcePathStyle");
      }
      o.forEach(V2Schema::dropForcePathStyle);
    } else if (node != null && node.isArray()) {
      node.forEach(V2Schema::dropForcePathStyle);
    }
  }

  /**
   * Keeps only {@code names} among an object schema's properties, and drops the object's CEL rules
   * that name a removed field (the API server refuses a rule on a field its schema lacks).
   */
  private static void keep(ObjectNode object, Set<String> names) {
    ObjectNode props = properties(object);
    if (props == null) {
      return;
    }
    List<String> removed = new java.util.ArrayList<>();
    for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        removed.add(name);
        it.remove();
      }
    }
    JsonNode rules = object.get("x-kubernetes-validations");
    if (rules != null && rules.isArray()) {
      for (Iterator<JsonNode> it = rules.iterator(); it.hasNext(); ) {
        String rule = it.next().path("rule").asText();
        if (removed.stream()
            .anyMatch(
                f -> java.util.regex.Pattern.compile("self\\." + f + "\\b").matcher(rule).find())) {
          it.remove();
        }
      }
    }
  }

  private static ObjectNode properties(JsonNode node) {
    return node.path("properties") instanceof ObjectNode o ? o : null;
  }
}
