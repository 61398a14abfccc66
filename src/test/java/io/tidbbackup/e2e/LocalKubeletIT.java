package io.tidbbackup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.controlplane.LocalKubelet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulated kubelet's faults, on Jobs of the real Job controller in a simulated namespace: the
 * states the reliability tests start from (an image that cannot be pulled, a missing Secret, an
 * eviction) look as a kubelet makes them; the real scheduler places the namespace's pods on the
 * simulated node, and leaves a pod no node can take unbound.
 */
class LocalKubeletIT {
  static LocalCluster cluster;
  static KubernetesClient k;
  static String ns;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.get();
    k = cluster.admin;
    ns = cluster.simulatedNamespace("kubelet");
  }

  @AfterEach
  void clear() {
    cluster.kubelet.clearInjections();
  }

  static Job job(String name, int backoffLimit, String secret) {
    return job(name, backoffLimit, secret, java.util.Map.of());
  }

  static Job job(
      String name, int backoffLimit, String secret, java.util.Map<String, String> nodeSelector) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(backoffLimit)
        .withNewTemplate()
        .withNewSpec()
        .withNodeSelector(nodeSelector)
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("main")
        .withImage("example/tool:1")
        .withArgs("agent", "compact")
        .addNewEnv()
        .withName("PASSWORD")
        .withNewValueFrom()
        .withNewSecretKeyRef("access_key", secret == null ? "s3-secret" : secret, false)
        .endValueFrom()
        .endEnv()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static Pod onlyPod(String job) {
    List<Pod> pods = k.pods().inNamespace(ns).withLabel("job-name", job).list().getItems();
    return pods.size() == 1 ? pods.get(0) : null;
  }

  static String waitingReason(Pod p) {
    return p == null
            || p.getStatus() == null
            || p.getStatus().getContainerStatuses() == null
            || p.getStatus().getContainerStatuses().isEmpty()
            || p.getStatus().getContainerStatuses().get(0).getState().getWaiting() == null
        ? null
        : p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason();
  }

  @Test
  void aJobRunsToCompleteOnTheLocalNode() {
    k.resource(job("plain", 0, null)).create();
    await()
        .atMost(E2E.WAIT)
        .until(
            () -> {
              Job j = k.batch().v1().jobs().inNamespace(ns).withName("plain").get();
              return j.getStatus() != null
                  && Integer.valueOf(1).equals(j.getStatus().getSucceeded());
            });
    Pod p = onlyPod("plain");
    assertThat(p.getSpec().getNodeName()).isEqualTo(LocalKubelet.NODE);
    assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(p.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isZero();
  }

  @Test
  void aPodNoNodeCanTakeIsNeverBound() {
    k.resource(job("pending", 0, null, java.util.Map.of("tidbbackup.test/no-such", "node")))
        .create();
    // the scheduler says why it left the pod unbound
    await()
        .atMost(E2E.WAIT)
        .until(
            () -> onlyPod("pending"),
            p ->
                p != null
                    && p.getStatus().getConditions() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(
                            c ->
                                c.getType().equals("PodScheduled")
                                    && "Unschedulable".equals(c.getReason())));
    Pod p = onlyPod("pending");
    assertThat(p.getSpec().getNodeName()).isNull();
    assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void anImageThatCannotBePulledLeavesThePodWaiting() {
    cluster.kubelet.inject(LocalKubelet.ofJob(ns, "pull"), LocalKubelet.Fault.IMAGE_PULL_BACKOFF);
    k.resource(job("pull", 0, null)).create();
    await().atMost(E2E.WAIT).until(() -> "ImagePullBackOff".equals(waitingReason(onlyPod("pull"))));
    assertThat(onlyPod("pull").getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void aMissingSecretIsACreateContainerConfigErrorUntilItExists() {
    k.resource(job("nosecret", 0, "later-secret")).create();
    await()
        .atMost(E2E.WAIT)
        .until(() -> "CreateContainerConfigError".equals(waitingReason(onlyPod("nosecret"))));
    assertThat(
            onlyPod("nosecret")
                .getStatus()
                .getContainerStatuses()
                .get(0)
                .getState()
                .getWaiting()
                .getMessage())
        .contains("later-secret");
    k.resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("later-secret")
                .withNamespace(ns)
                .endMetadata()
                .addToStringData("access_key", "x")
                .build())
        .create();
    await()
        .atMost(E2E.WAIT)
        .until(
            () -> {
              Job j = k.batch().v1().jobs().inNamespace(ns).withName("nosecret").get();
              return j.getStatus() != null
                  && Integer.valueOf(1).equals(j.getStatus().getSucceeded());
            });
  }

  @Test
  void anEvictedPodFailsAndTheJobControllerReplacesIt() {
    cluster.kubelet.inject(
        p ->
            LocalKubelet.ofJob(ns, "evict").test(p)
                && k.pods().inNamespace(ns).withLabel("job-name", "evict").list().getItems().size()
                    == 1,
        LocalKubelet.Fault.EVICT);
    k.resource(job("evict", 1, null)).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Job j = k.batch().v1().jobs().inNamespace(ns).withName("evict").get();
              return j.getStatus() != null
                  && Integer.valueOf(1).equals(j.getStatus().getSucceeded());
            });
    List<Pod> pods = k.pods().inNamespace(ns).withLabel("job-name", "evict").list().getItems();
    assertThat(pods)
        .hasSize(2)
        .anyMatch(
            p ->
                "Evicted".equals(p.getStatus().getReason())
                    && "Failed".equals(p.getStatus().getPhase()));
  }
}
