package io.tidbbackup.e2e;

import static io.tidbbackup.e2e.E2E.awaitBackup;
import static io.tidbbackup.e2e.E2E.phase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupCondition;
import io.tidbbackup.controlplane.LocalCluster;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An API error is state, never a silent stall, on the real control plane: a
 * ValidatingAdmissionPolicy that refuses Jobs makes the API server refuse the backup's Job (403);
 * the Backup says so in {@code ReconcileError=True} with the API server's own message and one
 * Warning, the operator retries with capped backoff for as long as it takes, and once the policy is
 * unbound the backup runs to Complete and the condition turns False.
 */
class ErrorsAsStateIT {
  static final String BUCKET = "errors";
  static LocalCluster cluster;
  static KubernetesClient k;
  static String ns;
  static LocalCluster.RunningOperator operator;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    ns = cluster.namespace("errors");
    E2E.bucket(cluster.s3(), BUCKET);
    operator = cluster.startOperator(Set.of(ns));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  static BackupCondition error(Backup b) {
    return b.getStatus() == null || b.getStatus().conditions == null
        ? null
        : b.getStatus().conditions.stream()
            .filter(c -> "ReconcileError".equals(c.type))
            .findFirst()
            .orElse(null);
  }

  /** A ValidatingAdmissionPolicy (the API server's own CEL admission) that refuses Jobs in ns. */
  static void freezeJobs() {
    k.resource(
            """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: e2e-freeze-jobs}
            spec:
              failurePolicy: Fail
              matchConstraints:
                resourceRules:
                - apiGroups: [batch]
                  apiVersions: [v1]
                  operations: [CREATE]
                  resources: [jobs]
              validations:
              - expression: "false"
                message: jobs are frozen in this namespace
                reason: Forbidden
            """)
        .serverSideApply();
    k.resource(
            """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: e2e-freeze-jobs}
            spec:
              policyName: e2e-freeze-jobs
              validationActions: [Deny]
              matchResources:
                namespaceSelector:
                  matchLabels: {kubernetes.io/metadata.name: %s}
            """
                .formatted(ns))
        .serverSideApply();
    // in force once a Job of our own is refused
    await()
        .atMost(E2E.WAIT)
        .until(
            () -> {
              try {
                k.batch()
                    .v1()
                    .jobs()
                    .inNamespace(ns)
                    .resource(
                        new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                            .withNewMetadata()
                            .withGenerateName("probe-")
                            .endMetadata()
                            .withNewSpec()
                            .withNewTemplate()
                            .withNewSpec()
                            .withRestartPolicy("Never")
                            .addNewContainer()
                            .withName("c")
                            .withImage("x")
                            .endContainer()
                            .endSpec()
                            .endTemplate()
                            .endSpec()
                            .build())
                    .dryRun()
                    .create();
                return false;
              } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                return e.getCode() == 403;
              }
            });
  }

  @Test
  void aJobTheApiServerRefusesIsSaidRetriedAndRecoveredFrom() {
    freezeJobs();
    E2E.createBackup(k, E2E.backupYaml(cluster, ns, "quota", BUCKET, "t/quota", null));
    Backup refused =
        awaitBackup(k, ns, "quota", b -> error(b) != null && "True".equals(error(b).status));
    assertThat(error(refused).reason).isEqualTo("ApiError");
    assertThat(error(refused).message).contains("HTTP 403", "jobs are frozen in this namespace");
    assertThat(refused.getStatus().phase).isNotEqualTo("ReconcileError");

    k.resource(
            """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: e2e-freeze-jobs}
            """)
        .delete();
    Backup done = awaitBackup(k, ns, "quota", phase("Complete"));
    assertThat(error(done).status).isEqualTo("False");
    assertThat(error(done).reason).isEqualTo("Recovered");
    long warnings =
        k.v1().events().inNamespace(ns).list().getItems().stream()
            .filter(e -> "quota".equals(e.getInvolvedObject().getName()))
            .filter(e -> "ApiError".equals(e.getReason()))
            .count();
    assertThat(warnings).as("one Warning per distinct error, not one per retry").isEqualTo(1);
  }
}
