package io.tidbbackup.deploy;

import static io.tidbbackup.deploy.HelmChart.NAMESPACE;
import static io.tidbbackup.deploy.HelmChart.ofKind;
import static io.tidbbackup.deploy.HelmChart.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Helm chart, linted and rendered by real Helm for the main value combinations. */
class HelmChartTest {

  static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (name.equals(e.path("name").asText())) {
        return e;
      }
    }
    return null;
  }

  static List<String> texts(JsonNode list) {
    return java.util.stream.StreamSupport.stream(list.spliterator(), false)
        .map(JsonNode::asText)
        .toList();
  }

  @Test
  void lintPasses() {
    LintResult r = new Helm(HelmChart.CHART).lint().strict().call();
    assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
  }

  /** The values schema refuses what the chart would silently ignore or misuse, naming the key. */
  @Test
  void unknownAndMistypedValuesAreRefusedByTheSchema() {
    for (Map.Entry<String, Object> bad :
        List.<Map.Entry<String, Object>>of(
            Map.entry("replica", 3), // a typo of replicas
            Map.entry("replicas", "two"),
            Map.entry("leaderElection.enabeld", true),
            Map.entry("podStartDeadline", "15 minutes"),
            Map.entry("logFormat", "yaml"),
            Map.entry("metrics.prometheusRule.enable", true),
            Map.entry("jobImagePullPolicy", "Sometimes"))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> HelmChart.render(Map.of(bad.getKey(), bad.getValue())))
          .as("--set %s=%s", bad.getKey(), bad.getValue())
          .hasMessageContaining("values don't meet the specifications of the schema")
          .hasMessageContaining(bad.getKey().substring(bad.getKey().lastIndexOf('.') + 1));
    }
  }

  @Test
  void namesCanBeOverriddenAndTwoReplicasGetADisruptionBudgetAndSpread() throws Exception {
    List<JsonNode> docs =
        HelmChart.render(
            Map.of(
                "fullnameOverride",
                "backups",
                "replicas",
                2,
                "podDisruptionBudget.enabled",
                true,
                "topologySpreadConstraints[0].maxSkew",
                1,
                "topologySpreadConstraints[0].topologyKey",
                "kubernetes.io/hostname",
                "topologySpreadConstraints[0].whenUnsatisfiable",
                "ScheduleAnyway"));
    JsonNode deploy = one(docs, "Deployment", "backups");
    assertThat(deploy).isNotNull();
    assertThat(
            deploy
                .path("spec")
                .path("template")
                .path("spec")
                .path("topologySpreadConstraints")
                .get(0)
                .path("topologyKey")
                .asText())
        .isEqualTo("kubernetes.io/hostname");
    JsonNode pdb = one(docs, "PodDisruptionBudget", "backups");
    assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
    assertThat(pdb.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(deploy.path("spec").path("selector").path("matchLabels"));
    assertThat(one(docs, "Service", "backups-metrics")).isNotNull();
    JsonNode named = one(HelmChart.render(Map.of("nameOverride", "bk")), "Deployment", "tbo-bk");
    assertThat(named.path("metadata").path("labels").path("app.kubernetes.io/name").asText())
        .isEqualTo("bk");
  }

  @Test
  void defaultsAreAHardenedSingleReplicaWithLeaderElectionAndClusterWideRbac() throws Exception {
    List<JsonNode> docs = HelmChart.render(Map.of());
    JsonNode deploy = one(docs, "Deployment", "tbo-tidb-backup-operator");
    assertThat(deploy).isNotNull();
    assertThat(deploy.path("metadata").path("namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(deploy.path("spec").path("replicas").asInt()).isEqualTo(1);
    JsonNode pod = deploy.path("spec").path("template").path("spec");
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo("tbo-tidb-backup-operator");
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(65532);
    JsonNode c = pod.path("containers").get(0);
    assertThat(c.path("image").asText()).isEqualTo("tidb-backup-operator:0.1.0");
    assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(texts(c.path("securityContext").path("capabilities").path("drop")))
        .containsExactly("ALL");
    assertThat(c.path("resources").path("requests").path("memory").asText()).isEqualTo("256Mi");
    assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("512Mi");
    assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(env(c, "LEADER_ELECTION").path("value").asText()).isEqualTo("true");
    assertThat(
            env(c, "POD_NAMESPACE").path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.namespace");
    assertThat(env(c, "WATCH_NAMESPACES").path("value").asText()).isEmpty();
    assertThat(env(c, "AGENT_IMAGE").path("value").asText())
        .isEqualTo("tidb-backup-operator:0.1.0");

    assertThat(one(docs, "ClusterRole", "tbo-tidb-backup-operator")).isNotNull();
    assertThat(ofKind(docs, "Role"))
        .extracting(r -> r.path("metadata").path("name").asText())
        .containsExactly("tbo-tidb-backup-operator-leader-election");
    assertThat(
            one(docs, "ServiceAccount", "tidb-backup-manager")
                .path("metadata")
                .path("namespace")
                .asText())
        .isEqualTo(NAMESPACE);
    assertThat(one(docs, "Service", "tbo-tidb-backup-operator-metrics")).isNotNull();
    assertThat(ofKind(docs, "ServiceMonitor")).isEmpty();
  }

  @Test
  void watchedNamespacesGetRolesTheJobAccountAndTwoReplicas() throws Exception {
    List<JsonNode> docs =
        HelmChart.render(
            Map.of(
                "watchNamespaces[0]",
                "team-a",
                "watchNamespaces[1]",
                "team-b",
                "replicas",
                2,
                "rbac.readSecrets",
                false,
                "metrics.serviceMonitor.enabled",
                true,
                "jobServiceAccount.annotations.eks\\.amazonaws\\.com/role-arn",
                "arn:aws:iam::123456789012:role/backup",
                "logFormat",
                "json"));
    JsonNode c =
        one(docs, "Deployment", "tbo-tidb-backup-operator")
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0);
    assertThat(
            one(docs, "Deployment", "tbo-tidb-backup-operator")
                .path("spec")
                .path("replicas")
                .asInt())
        .isEqualTo(2);
    assertThat(env(c, "WATCH_NAMESPACES").path("value").asText()).isEqualTo("team-a,team-b");
    assertThat(env(c, "LOG_FORMAT").path("value").asText()).isEqualTo("json");
    // the operator's own JVM flags (measured at 10,000 Backups), not the image's, which stay the
    // agent's
    assertThat(env(c, "JAVA_TOOL_OPTIONS").path("value").asText())
        .contains("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:TieredStopAtLevel=1")
        .doesNotContain("\n");
    assertThat(env(c, "MALLOC_ARENA_MAX").path("value").asText()).isEqualTo("2");

    List<JsonNode> roles =
        ofKind(docs, "Role").stream()
            .filter(r -> !r.path("metadata").path("name").asText().endsWith("leader-election"))
            .toList();
    assertThat(roles)
        .extracting(r -> r.path("metadata").path("namespace").asText())
        .containsExactly("team-a", "team-b");
    assertThat(ofKind(docs, "RoleBinding")).hasSize(3);
    JsonNode clusterRole = one(docs, "ClusterRole", "tbo-tidb-backup-operator");
    // with watched namespaces no namespaced resource is granted cluster-wide (the CRD names it may
    // get are resourceNames of customresourcedefinitions)
    for (JsonNode rule : clusterRole.path("rules")) {
      assertThat(texts(rule.path("resources"))).doesNotContain("backups", "jobs", "secrets");
    }
    for (JsonNode rule : roles.get(0).path("rules")) {
      if (texts(rule.path("resources")).contains("secrets")) {
        assertThat(texts(rule.path("verbs"))).containsExactly("create");
      }
    }
    List<JsonNode> jobAccounts =
        ofKind(docs, "ServiceAccount").stream()
            .filter(s -> s.path("metadata").path("name").asText().equals("tidb-backup-manager"))
            .toList();
    assertThat(jobAccounts)
        .extracting(s -> s.path("metadata").path("namespace").asText())
        .containsExactly("team-a", "team-b");
    assertThat(
            jobAccounts
                .get(0)
                .path("metadata")
                .path("annotations")
                .path("eks.amazonaws.com/role-arn")
                .asText())
        .isEqualTo("arn:aws:iam::123456789012:role/backup");
    assertThat(one(docs, "ServiceMonitor", "tbo-tidb-backup-operator")).isNotNull();
  }

  /**
   * By default the operator may read no Secret anywhere (Secrets: create, and patch for the holds
   * alone). Asked for, the read is a ClusterRole of its own: a Role in a namespace would be deleted
   * with it, in the same pass as the Backups whose in-process clean needs it.
   */
  @Test
  void secretReadsAreOffByDefaultAndThenAClusterRoleOfTheirOwn() throws Exception {
    for (List<JsonNode> docs :
        List.of(
            HelmChart.render(Map.of()), HelmChart.render(Map.of("watchNamespaces[0]", "team-a")))) {
      assertThat(docs.stream().filter(d -> d.path("kind").asText().endsWith("Role")))
          .allSatisfy(
              role -> {
                boolean hold =
                    role.path("metadata").path("name").asText().endsWith("-hold-secrets");
                for (JsonNode rule : role.path("rules")) {
                  if (texts(rule.path("resources")).contains("secrets")) {
                    assertThat(texts(rule.path("verbs")))
                        .containsExactly(hold ? "patch" : "create");
                  }
                }
              });
    }
    List<JsonNode> asked = HelmChart.render(Map.of("rbac.readSecrets", true));
    JsonNode reader = one(asked, "ClusterRole", "tbo-tidb-backup-operator-read-secrets");
    assertThat(texts(reader.path("rules").get(0).path("resources"))).containsExactly("secrets");
    assertThat(texts(reader.path("rules").get(0).path("verbs"))).containsExactly("get");
    assertThat(one(asked, "ClusterRoleBinding", "tbo-tidb-backup-operator-read-secrets"))
        .isNotNull();
  }

  /**
   * The holds on the Secrets cleans need (on by default): patch alone, on Secrets alone, from a
   * ClusterRole of its own (a Role would go with its namespace, before the hold it must release),
   * and the operator told. Off: no grant, and the operator told to leave Secrets alone.
   */
  @Test
  void secretHoldsGrantPatchAloneAndTurnOff() throws Exception {
    for (List<JsonNode> docs :
        List.of(
            HelmChart.render(Map.of()), HelmChart.render(Map.of("watchNamespaces[0]", "team-a")))) {
      JsonNode role = one(docs, "ClusterRole", "tbo-tidb-backup-operator-hold-secrets");
      assertThat(role.path("rules")).hasSize(1);
      assertThat(texts(role.path("rules").get(0).path("resources"))).containsExactly("secrets");
      assertThat(texts(role.path("rules").get(0).path("verbs"))).containsExactly("patch");
      assertThat(one(docs, "ClusterRoleBinding", "tbo-tidb-backup-operator-hold-secrets"))
          .isNotNull();
      JsonNode c =
          one(docs, "Deployment", "tbo-tidb-backup-operator")
              .path("spec")
              .path("template")
              .path("spec")
              .path("containers")
              .get(0);
      assertThat(env(c, "HOLD_SECRETS").path("value").asText()).isEqualTo("true");
    }
    List<JsonNode> off = HelmChart.render(Map.of("holdSecrets", false));
    assertThat(off)
        .noneMatch(d -> d.path("metadata").path("name").asText().endsWith("-hold-secrets"));
    JsonNode c =
        one(off, "Deployment", "tbo-tidb-backup-operator")
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0);
    assertThat(env(c, "HOLD_SECRETS").path("value").asText()).isEqualTo("false");
  }

  /** Without leader election an upgrade must not run the old and the new operator side by side. */
  @Test
  void withoutLeaderElectionTheDeploymentIsRecreatedNotRolled() throws Exception {
    JsonNode off =
        one(
            HelmChart.render(Map.of("leaderElection.enabled", false)),
            "Deployment",
            "tbo-tidb-backup-operator");
    assertThat(off.path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
    JsonNode on = one(HelmChart.render(Map.of()), "Deployment", "tbo-tidb-backup-operator");
    assertThat(on.path("spec").path("strategy").path("type").asText())
        .as("with a Lease the new replica waits for it: a rolling update is safe")
        .isEmpty();
  }

  @Test
  void twoReplicasWithoutLeaderElectionAreRefused() {
    assertThatThrownBy(
            () -> HelmChart.render(Map.of("replicas", 2, "leaderElection.enabled", false)))
        .hasMessageContaining("replicas > 1 needs leaderElection.enabled");
    assertThatThrownBy(() -> HelmChart.render(Map.of("logFormat", "xml")))
        .hasMessageContaining("logFormat");
  }

  /**
   * The chart installs the very CRDs the build generates (crds/): nothing to keep in sync by hand.
   */
  @Test
  void theChartsCrdsAreTheGeneratedOnesRenderedAsTemplatesAndKept() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("crds"))) {
      List<Path> generated = s.sorted().toList();
      assertThat(generated).isNotEmpty();
      for (Path crd : generated) {
        Path inChart = HelmChart.CHART.resolve("files/crds").resolve(crd.getFileName());
        assertThat(inChart)
            .as("%s in the chart (cp crds/* %s/files/crds/)", crd.getFileName(), HelmChart.CHART)
            .exists();
        assertThat(Files.readString(inChart)).isEqualTo(Files.readString(crd));
      }
    }
    try (Stream<Path> s = Files.list(HelmChart.CHART.resolve("files/crds"))) {
      assertThat(s.count()).isEqualTo(Files.list(Path.of("crds")).count());
    }
    // rendered by the chart (so helm upgrade upgrades them), kept on uninstall, the generated spec
    List<JsonNode> crds = HelmChart.ofKind(HelmChart.render(Map.of()), "CustomResourceDefinition");
    assertThat(crds).hasSize(4); // pingcap.com's: apiGroups defaults to it alone
    for (JsonNode crd : crds) {
      String name = crd.path("metadata").path("name").asText();
      assertThat(crd.path("metadata").path("annotations").path("helm.sh/resource-policy").asText())
          .isEqualTo("keep");
      JsonNode generated =
          io.tidbbackup.api.Serde.YAML.readTree(Path.of("crds", name + ".yaml").toFile());
      assertThat(crd.path("spec")).isEqualTo(generated.path("spec"));
    }
    assertThat(
            HelmChart.ofKind(
                HelmChart.render(Map.of("crds.keep", false)), "CustomResourceDefinition"))
        .allMatch(c -> !c.path("metadata").path("annotations").has("helm.sh/resource-policy"));
    assertThat(
            HelmChart.ofKind(
                HelmChart.render(Map.of("crds.enabled", false)), "CustomResourceDefinition"))
        .isEmpty();
    // apiGroups chooses the groups whose CRDs are installed
    assertThat(
            HelmChart.ofKind(
                HelmChart.render(Map.of("apiGroups[0]", "br.pingcap.com")),
                "CustomResourceDefinition"))
        .extracting(c -> c.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder(
            "backups.br.pingcap.com",
            "restores.br.pingcap.com",
            "backupschedules.br.pingcap.com",
            "compactbackups.br.pingcap.com");
  }
}
