package io.tidbbackup.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.Serde;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Whether the CRDs installed are this operator's, checked once at startup. Helm installs {@code
 * crds/} on the first install only and never upgrades them, and TiDB Operator's own CRDs (same
 * names) may be in place: then the operator would run against a schema without its defaults, its
 * CEL rules or even its status subresource. Each CRD this operator builds carries {@link #SCHEMA},
 * a fingerprint of its spec; the jar holds the same fingerprints.
 *
 * <ul>
 *   <li>fatal: a CRD missing, without the served version {@code v1alpha1}, or without the status
 *       subresource (every status write would fail);
 *   <li>a warning: a CRD without the fingerprint (not this operator's: TiDB Operator's?) or with
 *       another one (an older or newer release's).
 * </ul>
 *
 * Every problem says what to run.
 */
public final class CrdCheck {
  /** The annotation with the fingerprint of a CRD's spec. */
  public static final String SCHEMA = "tidb-backup-operator/schema";

  /** The operator's own fingerprints, by CRD name, in the jar. */
  public static final String RESOURCE = "META-INF/tidb-backup-operator/crd-schemas.properties";

  public static final String FIX =
      "run `kubectl apply --server-side --force-conflicts -f crds/` from this release's chart (Helm"
          + " installs CRDs on the first install only and never upgrades them)";

  /** One finding: fatal ones stop the operator before it starts. */
  public record Problem(String crd, boolean fatal, String message) {
    @Override
    public String toString() {
      return (fatal ? "FATAL: " : "WARNING: ") + "CRD " + crd + ": " + message + "; " + FIX;
    }
  }

  private CrdCheck() {}

  /** SHA-256 of the CRD's spec as canonical JSON (sorted keys), first 12 hex digits. */
  public static String fingerprint(JsonNode spec) {
    try {
      Object canonical = Serde.JSON.treeToValue(spec, Object.class);
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(Serde.json(canonical).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 12);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fingerprints of the CRDs this operator was built with. */
  public static Map<String, String> expected() {
    Properties p = new Properties();
    try (InputStream in = CrdCheck.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the build");
      }
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> out = new TreeMap<>();
    p.forEach((k, v) -> out.put(k.toString(), v.toString()));
    return out;
  }

  /**
   * Reads each of our CRDs and checks it. A CRD the operator may not read is a warning (the check
   * is skipped), never a reason not to start.
   */
  public static List<Problem> check(KubernetesClient client) {
    return check(client, java.util.Set.of(ApiConstants.GROUP, "br.pingcap.com"));
  }

  /** The same, for the CRDs of these API groups only (those the operator serves). */
  public static List<Problem> check(KubernetesClient client, java.util.Set<String> groups) {
    Map<String, String> expected = new TreeMap<>(expected());
    expected.keySet().removeIf(name -> !groups.contains(name.substring(name.indexOf('.') + 1)));
    Map<String, String> readable = new TreeMap<>();
    Map<String, CustomResourceDefinition> installed = new TreeMap<>();
    List<Problem> out = new ArrayList<>();
    for (var e : expected.entrySet()) {
      try {
        installed.put(
            e.getKey(),
            client.apiextensions().v1().customResourceDefinitions().withName(e.getKey()).get());
        readable.put(e.getKey(), e.getValue());
      } catch (KubernetesClientException ex) {
        out.add(
            new Problem(
                e.getKey(),
                false,
                "cannot be read to check it (HTTP " + ex.getCode() + "): " + ex.getMessage()));
      }
    }
    out.addAll(problems(installed, readable));
    return out;
  }

  /** The problems of {@code installed} (null: not installed) against {@code expected} (pure). */
  public static List<Problem> problems(
      Map<String, CustomResourceDefinition> installed, Map<String, String> expected) {
    List<Problem> out = new ArrayList<>();
    for (var e : expected.entrySet()) {
      String name = e.getKey();
      CustomResourceDefinition crd = installed.get(name);
      if (crd == null) {
        out.add(new Problem(name, true, "is not installed"));
        continue;
      }
      CustomResourceDefinitionVersion v =
          crd.getSpec() == null || crd.getSpec().getVersions() == null
              ? null
              : crd.getSpec().getVersions().stream()
                  .filter(x -> ApiConstants.VERSION.equals(x.getName()))
                  .findFirst()
                  .orElse(null);
      if (v == null || !Boolean.TRUE.equals(v.getServed())) {
        out.add(new Problem(name, true, "does not serve version " + ApiConstants.VERSION));
        continue;
      }
      if (v.getSubresources() == null || v.getSubresources().getStatus() == null) {
        out.add(
            new Problem(
                name,
                true,
                "has no status subresource, so every status write of this operator would fail"
                    + " (TiDB Operator's own CRD?)"));
        continue;
      }
      Map<String, String> ann = crd.getMetadata().getAnnotations();
      String schema = ann == null ? null : ann.get(SCHEMA);
      if (schema == null) {
        out.add(
            new Problem(
                name,
                false,
                "is not this operator's (no "
                    + SCHEMA
                    + " annotation: TiDB Operator's own, or an early release's), so its defaults and"
                    + " validation rules are not this operator's"));
      } else if (!schema.equals(e.getValue())) {
        out.add(
            new Problem(
                name,
                false,
                "has schema "
                    + schema
                    + " where this operator has "
                    + e.getValue()
                    + " (an older or newer release's CRD)"));
      }
    }
    return out;
  }
}
