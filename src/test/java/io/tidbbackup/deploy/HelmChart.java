package io.tidbbackup.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.tidbbackup.api.Serde;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The chart rendered by real Helm (helm-java), as a list of objects to assert on. */
public final class HelmChart {
  public static final Path CHART = Path.of("deploy/helm/tidb-backup-operator");
  public static final String RELEASE = "tbo";
  public static final String NAMESPACE = "tidb-admin";

  private HelmChart() {}

  public static List<JsonNode> render(Map<String, Object> values) throws IOException {
    return render(RELEASE, values);
  }

  /** The chart rendered as release {@code release} in {@link #NAMESPACE}. */
  public static List<JsonNode> render(String release, Map<String, Object> values)
      throws IOException {
    TemplateCommand t = new Helm(CHART).template().withName(release).withNamespace(NAMESPACE);
    for (Map.Entry<String, Object> e : values.entrySet()) {
      t = t.set(e.getKey(), e.getValue());
    }
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = Serde.YAML.readerFor(JsonNode.class).readValues(t.call())) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode() && n.has("kind")) {
          docs.add(n);
        }
      }
    }
    return docs;
  }

  public static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  public static JsonNode one(List<JsonNode> docs, String kind, String name) {
    return docs.stream()
        .filter(
            d ->
                kind.equals(d.path("kind").asText())
                    && Objects.equals(name, d.path("metadata").path("name").asText()))
        .findFirst()
        .orElse(null);
  }

  /**
   * A request of the operator: verb, API group ("" for core), resource (with /subresource),
   * namespace, name.
   */
  record Access(String verb, String group, String resource, String namespace, String name) {}

  /** Whether the rendered ClusterRoles and Roles, bound to the operator, grant {@code a}. */
  static boolean allows(List<JsonNode> docs, Access a) {
    for (JsonNode role : docs) {
      String kind = role.path("kind").asText();
      boolean cluster = kind.equals("ClusterRole");
      if (!cluster && !kind.equals("Role")) {
        continue;
      }
      if (!cluster
          && (a.namespace() == null
              || !a.namespace().equals(role.path("metadata").path("namespace").asText()))) {
        continue;
      }
      for (JsonNode rule : role.path("rules")) {
        if (has(rule.path("apiGroups"), a.group())
            && has(rule.path("resources"), a.resource())
            && has(rule.path("verbs"), a.verb())
            && (!rule.has("resourceNames")
                || (a.name() != null && has(rule.path("resourceNames"), a.name())))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean has(JsonNode list, String value) {
    for (JsonNode v : list) {
      if (v.asText().equals(value) || v.asText().equals("*")) {
        return true;
      }
    }
    return false;
  }
}
