package io.tidbbackup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidbbackup.api.Serde;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The bounds of the operator's own CRDs (the finished ones the API server gets, packed in the jar
 * under {@code META-INF/crds}) applied to a manifest as the API server's schema validation applies
 * them: enum, minimum/maximum (and exclusive), minLength/maxLength, pattern, minItems/maxItems, at
 * every depth. So {@code render} refuses what {@code kubectl apply} would, with the API server's
 * wording and the field's path. CEL rules and types are left to the model's own checks.
 */
final class SchemaBounds {
  private static final Map<String, JsonNode> SCHEMAS = new ConcurrentHashMap<>();

  private SchemaBounds() {}

  /** The violations of a manifest of {@code kind} in {@code group}, in document order. */
  static List<String> problems(JsonNode doc, String group, String version, String plural) {
    JsonNode schema = schema(plural + "." + group, version);
    List<String> out = new ArrayList<>();
    if (schema != null) {
      walk(doc.path("spec"), schema.path("properties").path("spec"), "spec", out);
    }
    return out;
  }

  private static JsonNode schema(String crdName, String version) {
    JsonNode crd =
        SCHEMAS.computeIfAbsent(
            crdName,
            n -> {
              try (InputStream in =
                  SchemaBounds.class.getResourceAsStream("/META-INF/crds/" + n + ".yaml")) {
                return in == null
                    ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                    : Serde.YAML.readTree(in);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        return v.path("schema").path("openAPIV3Schema");
      }
    }
    return null;
  }

  static void walk(JsonNode node, JsonNode schema, String path, List<String> out) {
    if (node == null || node.isMissingNode() || node.isNull() || schema.isMissingNode()) {
      return;
    }
    JsonNode allowed = schema.get("enum");
    if (allowed != null && allowed.isArray() && !contains(allowed, node)) {
      List<String> values = new ArrayList<>();
      allowed.forEach(a -> values.add(a.toString()));
      out.add(
          path
              + ": Unsupported value: "
              + node
              + ": supported values: "
              + String.join(", ", values));
    }
    if (node.isNumber()) {
      bound(node, schema, "minimum", "exclusiveMinimum", true, path, out);
      bound(node, schema, "maximum", "exclusiveMaximum", false, path, out);
    }
    if (node.isTextual()) {
      int length = node.asText().codePointCount(0, node.asText().length());
      if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
        out.add(
            path
                + ": Too long: may not be more than "
                + schema.get("maxLength").asInt()
                + " bytes");
      }
      if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
        out.add(
            path
                + ": Invalid value: "
                + node
                + ": "
                + path
                + " in body should be at least "
                + schema.get("minLength").asInt()
                + " chars long");
      }
      if (schema.has("pattern")
          && !Pattern.compile(schema.get("pattern").asText()).matcher(node.asText()).find()) {
        out.add(
            path
                + ": Invalid value: "
                + node
                + ": "
                + path
                + " in body should match '"
                + schema.get("pattern").asText()
                + "'");
      }
    }
    if (node.isArray()) {
      if (schema.has("maxItems") && node.size() > schema.get("maxItems").asInt()) {
        out.add(
            path
                + ": Too many: "
                + node.size()
                + ": must have at most "
                + schema.get("maxItems").asInt()
                + " items");
      }
      if (schema.has("minItems") && node.size() < schema.get("minItems").asInt()) {
        out.add(
            path
                + ": Invalid value: "
                + node.size()
                + ": "
                + path
                + " in body should have at least "
                + schema.get("minItems").asInt()
                + " items");
      }
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), schema.path("items"), path + "[" + i + "]", out);
      }
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode child = schema.path("properties").path(f.getKey());
        if (child.isMissingNode() && schema.path("additionalProperties").isObject()) {
          child = schema.path("additionalProperties");
        }
        walk(f.getValue(), child, path + "." + f.getKey(), out);
      }
    }
  }

  private static void bound(
      JsonNode node,
      JsonNode schema,
      String key,
      String exclusiveKey,
      boolean lower,
      String path,
      List<String> out) {
    if (!schema.has(key)) {
      return;
    }
    double limit = schema.get(key).asDouble();
    double v = node.asDouble();
    boolean exclusive = schema.path(exclusiveKey).asBoolean(false);
    boolean bad =
        lower ? (exclusive ? v <= limit : v < limit) : (exclusive ? v >= limit : v > limit);
    if (bad) {
      String bound =
          schema.get(key).isIntegralNumber() || limit == Math.rint(limit)
              ? String.valueOf((long) limit)
              : String.valueOf(limit);
      out.add(
          path
              + ": Invalid value: "
              + node
              + ": "
              + path
              + " in body should be "
              + (lower ? "greater than " : "less than ")
              + (exclusive ? "" : "or equal to ")
              + bound);
    }
  }

  private static boolean contains(JsonNode allowed, JsonNode node) {
    for (JsonNode a : allowed) {
      if (a.equals(node)
          || (a.isTextual() && node.isTextual() && a.asText().equals(node.asText()))) {
        return true;
      }
    }
    return false;
  }
}
