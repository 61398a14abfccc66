package io.tidbbackup.operator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.TestingCluster;
import io.tidbbackup.operator.settings.OperatorSettings;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With leader election the operator takes the Lease before it reconciles, and then works as usual.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void theReplicaThatHoldsTheLeaseReconciles() throws Exception {
    new TestingCluster(client).installCrds();
    // JOSDK asks the API server whether it may use Leases before it starts; the mock does not
    // answer that itself
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewMetadata()
                .endMetadata()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("get", "create", "update")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    Operator operator =
        OperatorFactory.create(
            client,
            OperatorSettings.defaults()
                .withServerSideApply(false)
                .withLeaderElection("tidb-backup-operator"),
            Clock.systemUTC());
    try {
      operator.start();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  client
                          .resources(Lease.class)
                          .inNamespace("tidb-backup-operator")
                          .withName(OperatorSettings.LEASE_NAME)
                          .get()
                      != null);
      Lease lease =
          client
              .resources(Lease.class)
              .inNamespace("tidb-backup-operator")
              .withName(OperatorSettings.LEASE_NAME)
              .get();
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

      client
          .resource(
              Serde.YAML.readValue(
                  """
          apiVersion: pingcap.com/v1alpha1
          kind: Backup
          metadata: {name: b1, namespace: tidb}
          spec:
            br: {cluster: basic}
            s3: {provider: aws, bucket: b, prefix: p}
          """,
                  Backup.class))
          .create();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace("tidb").withName("backup-b1").get()
                      != null);
    } finally {
      operator.stop();
    }
  }
}
