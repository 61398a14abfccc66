package io.tidbbackup.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tidbbackup.api.Serde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The startup check of the installed CRDs, on this release's own CRDs and on the ones an operator
 * meets in the field: missing, TiDB Operator's (no status subresource, no fingerprint), an older
 * release's.
 */
class CrdCheckTest {

  static CustomResourceDefinition committed(String name) throws Exception {
    return Serialization.unmarshal(
        Files.readString(Path.of("crds", name + ".yaml")), CustomResourceDefinition.class);
  }

  static Map<String, CustomResourceDefinition> ours() throws Exception {
    Map<String, CustomResourceDefinition> m = new HashMap<>();
    for (String name : CrdCheck.expected().keySet()) {
      m.put(name, committed(name));
    }
    return m;
  }

  @Test
  void thisReleasesCrdsPassAndTheJarKnowsEachOfThem() throws Exception {
    assertThat(CrdCheck.expected())
        .containsOnlyKeys(
            "backups.pingcap.com",
            "restores.pingcap.com",
            "backupschedules.pingcap.com",
            "compactbackups.pingcap.com",
            "backups.br.pingcap.com",
            "restores.br.pingcap.com",
            "backupschedules.br.pingcap.com",
            "compactbackups.br.pingcap.com");
    assertThat(CrdCheck.problems(ours(), CrdCheck.expected())).isEmpty();
    // the fingerprint is the spec's: the committed file carries the one the jar has
    var crd = Serde.YAML.readTree(Path.of("crds/backups.pingcap.com.yaml").toFile());
    assertThat(CrdCheck.fingerprint(crd.path("spec")))
        .isEqualTo(CrdCheck.expected().get("backups.pingcap.com"));
  }

  @Test
  void aMissingCrdOrOneWithoutStatusSubresourceIsFatalAndSaysWhatToRun() throws Exception {
    Map<String, CustomResourceDefinition> installed = ours();
    installed.put("restores.pingcap.com", null);
    CustomResourceDefinition tidbOperators = committed("backups.pingcap.com");
    tidbOperators.getMetadata().setAnnotations(null);
    tidbOperators.getSpec().getVersions().get(0).setSubresources(null);
    installed.put("backups.pingcap.com", tidbOperators);
    List<CrdCheck.Problem> p = CrdCheck.problems(installed, CrdCheck.expected());
    assertThat(p).allMatch(CrdCheck.Problem::fatal).hasSize(2);
    assertThat(p.toString())
        .contains(
            "CRD restores.pingcap.com: is not installed",
            "CRD backups.pingcap.com: has no status subresource",
            "kubectl apply --server-side --force-conflicts -f crds/");
  }

  @Test
  void anotherOperatorsOrAnotherReleasesCrdIsAWarning() throws Exception {
    Map<String, CustomResourceDefinition> installed = ours();
    installed.get("backups.pingcap.com").getMetadata().setAnnotations(null);
    installed
        .get("restores.pingcap.com")
        .getMetadata()
        .setAnnotations(Map.of(CrdCheck.SCHEMA, "0123456789ab"));
    List<CrdCheck.Problem> p = CrdCheck.problems(installed, CrdCheck.expected());
    assertThat(p).noneMatch(CrdCheck.Problem::fatal).hasSize(2);
    assertThat(p.toString())
        .contains("is not this operator's", "has schema 0123456789ab where this operator has");
  }
}
