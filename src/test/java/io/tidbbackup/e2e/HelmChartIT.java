package io.tidbbackup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.deploy.HelmChart;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart installed, upgraded and uninstalled by real Helm (helm-java) against the real API
 * server: every object it renders is accepted (the Deployment's security context and probes, the
 * RBAC, the Service), an upgrade changes the release in place, and an uninstall removes what it
 * installed but keeps the CRDs (and so every Backup): they are templates with {@code
 * helm.sh/resource-policy: keep}. The CRDs were applied before without Helm (as an earlier install
 * told users to): the release adopts them as docs/usage.md says, and its upgrade upgrades them.
 */
class HelmChartIT {
  static final String RELEASE = "tbo-helm";
  static final String NAMESPACE = "helm-e2e";
  static LocalCluster cluster;
  static KubernetesClient k;
  static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    kubeconfig = cluster.kubeconfig(NAMESPACE).toAbsolutePath();
    k.resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName("helm-watched")
                .endMetadata()
                .build())
        .serverSideApply();
  }

  @Test
  void theChartInstallsUpgradesAndUninstallsOnARealApiServer() {
    // adopt the CRDs applied earlier with kubectl (docs/usage.md#installing-and-upgrading-the-crds)
    for (String crd :
        java.util.List.of(
            "backups.pingcap.com",
            "restores.pingcap.com",
            "backupschedules.pingcap.com",
            "compactbackups.pingcap.com")) {
      k.apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd)
          .edit(
              c -> {
                var labels = new java.util.HashMap<String, String>();
                if (c.getMetadata().getLabels() != null) {
                  labels.putAll(c.getMetadata().getLabels());
                }
                labels.put("app.kubernetes.io/managed-by", "Helm");
                c.getMetadata().setLabels(labels);
                var annotations = new java.util.HashMap<String, String>();
                if (c.getMetadata().getAnnotations() != null) {
                  annotations.putAll(c.getMetadata().getAnnotations());
                }
                annotations.put("meta.helm.sh/release-name", RELEASE);
                annotations.put("meta.helm.sh/release-namespace", NAMESPACE);
                c.getMetadata().setAnnotations(annotations);
                return c;
              });
    }
    Release installed =
        new Helm(HelmChart.CHART)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .createNamespace()
            .withKubeConfig(kubeconfig)
            .set("watchNamespaces[0]", "helm-watched")
            .call();
    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(installed.getRevision()).isEqualTo("1");

    String fullName = RELEASE + "-tidb-backup-operator";
    Deployment d = k.apps().deployments().inNamespace(NAMESPACE).withName(fullName).get();
    assertThat(d).as("Deployment %s", fullName).isNotNull();
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem())
        .isTrue();
    assertThat(k.serviceAccounts().inNamespace(NAMESPACE).withName(fullName).get()).isNotNull();
    assertThat(
            k.serviceAccounts().inNamespace("helm-watched").withName("tidb-backup-manager").get())
        .isNotNull();
    assertThat(k.services().inNamespace(NAMESPACE).withName(fullName + "-metrics").get())
        .isNotNull();
    // watchNamespaces: a Role and RoleBinding in each watched namespace instead of a ClusterRole
    assertThat(k.rbac().roles().inNamespace("helm-watched").list().getItems()).isNotEmpty();

    Release upgraded =
        new Helm(HelmChart.CHART)
            .upgrade()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeConfig(kubeconfig)
            .set("replicas", 2)
            .set("watchNamespaces[0]", "helm-watched")
            .call();
    assertThat(upgraded.getStatus()).isEqualTo("deployed");
    assertThat(upgraded.getRevision()).isEqualTo("2");
    assertThat(
            k.apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName(fullName)
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(2);

    String out = Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfig(kubeconfig).call();
    assertThat(out).contains(RELEASE);
    assertThat(k.apps().deployments().inNamespace(NAMESPACE).withName(fullName).get()).isNull();
    assertThat(k.rbac().roles().inNamespace("helm-watched").list().getItems()).isEmpty();
    assertThat(
            k.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("backups.pingcap.com")
                .get())
        .as("the CRDs outlive the release")
        .isNotNull();
    assertThat(
            k.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("backups.pingcap.com")
                .get()
                .getMetadata()
                .getAnnotations())
        .as("the CRDs were the release's, kept by their resource policy")
        .containsEntry("helm.sh/resource-policy", "keep");
  }
}
