package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static io.tidbbackup.e2e.E2E.phase;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.cli.ExampleJobs;
import io.tidbbackup.controlplane.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A namespace that enforces Pod Security "restricted" (the API server's own admission): the
 * operator's Jobs are admitted as they are (non-root, seccomp RuntimeDefault, no privilege
 * escalation, no capabilities), so a backup runs to Complete and its clean empties the prefix. A
 * Backup whose spec.podSecurityContext asks for root is the user's choice: its pod is refused, and
 * the Backup says so (PodStarted=False, FailedCreate, the admission's message) instead of sitting
 * in Running.
 */
class PodSecurityIT {
  static final String BUCKET = "restricted";
  static LocalCluster cluster;
  static KubernetesClient k;
  static String ns;
  static LocalCluster.RunningOperator operator;
  static S3Client s3;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    ns = cluster.namespace("restricted");
    k.namespaces()
        .withName(ns)
        .edit(
            n -> {
              n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return n;
            });
    s3 = cluster.s3();
    E2E.bucket(s3, BUCKET);
    operator = cluster.startOperator(Set.of(ns));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void theOperatorsJobsRunInARestrictedNamespace() {
    E2E.createBackup(
        k, E2E.backupYaml(cluster, ns, "r1", BUCKET, "team/r1", "cleanPolicy: Delete"));
    awaitBackup(k, ns, "r1", phase("Complete"));
    Job job = k.batch().v1().jobs().inNamespace(ns).withName("backup-r1").get();
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getInitContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation())
        .isFalse();
    E2E.put(s3, BUCKET, "team/r1/backupmeta");
    E2E.put(s3, BUCKET, "team/r1-sentinel");
    k.resources(Backup.class).inNamespace(ns).withName("r1").delete();
    E2E.awaitGone(k, Backup.class, ns, "r1", Duration.ofSeconds(120));
    assertThat(E2E.keys(s3, BUCKET, "team/")).containsExactly("team/r1-sentinel");
  }

  /**
   * Every example's Job (and a Backup example's clean Job), as a Pod, is admitted by the API
   * server's PodSecurity admission in this namespace (server-side dry run), whatever
   * podSecurityContext it sets. The only refusals allowed are of an example's own inline nfs
   * volume, a volume type "restricted" does not allow; the message must name nothing else.
   */
  @Test
  void everyExamplesPodIsAdmittedAsRestricted() throws Exception {
    List<String> refused = new ArrayList<>();
    List<String> nfs = new ArrayList<>();
    int admitted = 0;
    List<ExampleJobs.Example> examples = ExampleJobs.all();
    // the service accounts the examples name (admission looks them up before Pod Security)
    examples.stream()
        .map(e -> e.job().getSpec().getTemplate().getSpec().getServiceAccountName())
        .distinct()
        .forEach(
            sa ->
                k.serviceAccounts()
                    .inNamespace(ns)
                    .resource(
                        new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                            .withNewMetadata()
                            .withName(sa)
                            .endMetadata()
                            .build())
                    .createOr(x -> x.update()));
    examples.stream()
        .map(e -> e.job().getSpec().getTemplate().getSpec().getPriorityClassName())
        .filter(java.util.Objects::nonNull)
        .distinct()
        .forEach(
            pc ->
                k.scheduling()
                    .v1()
                    .priorityClasses()
                    .resource(
                        new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder()
                            .withNewMetadata()
                            .withName(pc)
                            .endMetadata()
                            .withValue(100)
                            .build())
                    .createOr(x -> x.update()));
    for (var e : examples) {
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(("pss-" + e.name()).substring(0, Math.min(63, 4 + e.name().length())))
              .withNamespace(ns)
              .endMetadata()
              .withSpec(e.job().getSpec().getTemplate().getSpec())
              .build();
      try {
        k.pods().inNamespace(ns).resource(pod).dryRun().create();
        admitted++;
      } catch (KubernetesClientException x) {
        String msg = x.getStatus() == null ? x.getMessage() : x.getStatus().getMessage();
        // 'violates PodSecurity "restricted:latest": <violation (detail)>, <violation (detail)>'
        String violations =
            msg.substring(msg.indexOf("\": ", msg.indexOf("violates PodSecurity")) + 3);
        boolean nfsOnly =
            violations.startsWith("restricted volume types")
                && violations.contains("\"nfs\"")
                && !violations.contains("), ");
        if (nfsOnly) {
          nfs.add(e.name());
        } else {
          refused.add(e.name() + ": " + msg);
        }
      }
    }
    assertThat(refused).as("examples refused by Pod Security restricted").isEmpty();
    assertThat(nfs)
        .as("examples with an inline nfs volume")
        .containsExactlyInAnyOrder("backup-local", "backup-local-clean", "restore-local");
    assertThat(admitted).isGreaterThan(40);
  }

  @Test
  void aPodThatAsksForRootIsRefusedAndTheBackupSaysSo() {
    E2E.createBackup(
        k,
        E2E.backupYaml(
            cluster, ns, "root", BUCKET, "team/root", "podSecurityContext: {runAsUser: 0}"));
    Backup said =
        awaitBackup(
            k,
            ns,
            "root",
            b ->
                b.getStatus() != null
                    && b.getStatus().conditions != null
                    && b.getStatus().conditions.stream()
                        .anyMatch(c -> "PodStarted".equals(c.type)));
    BackupCondition c =
        said.getStatus().conditions.stream()
            .filter(x -> "PodStarted".equals(x.type))
            .findFirst()
            .orElseThrow();
    assertThat(c.status).isEqualTo("False");
    assertThat(c.reason).isEqualTo("FailedCreate");
    assertThat(c.message).contains("violates PodSecurity \"restricted");
  }
}
