package io.tidbbackup.operator;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Serde;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Plays the parts of a cluster that fabric8's CRUD mock API server does not: installs our CRDs, and
 * moves Jobs and their pods through their lives the way the Job controller and kubelet would.
 */
public final class TestingCluster {
  private final KubernetesClient client;

  public TestingCluster(KubernetesClient client) {
    this.client = client;
  }

  public void installCrds() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      for (Path f : files.toList()) {
        try (InputStream in = new FileInputStream(f.toFile())) {
          CustomResourceDefinition crd =
              client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).create();
        }
      }
    }
  }

  /** TiDB Operator's TidbCluster CRD, its names only: what the operator looks for. */
  public static io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition
      tidbClusterCrd() {
    return new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName("tidbclusters.pingcap.com")
        .endMetadata()
        .withNewSpec()
        .withGroup("pingcap.com")
        .withScope("Namespaced")
        .withNewNames()
        .withKind("TidbCluster")
        .withPlural("tidbclusters")
        .withSingular("tidbcluster")
        .endNames()
        .addNewVersion()
        .withName("v1alpha1")
        .withServed(true)
        .withStorage(true)
        .endVersion()
        .endSpec()
        .build();
  }

  public Job job(String ns, String name) {
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  public void setJobStatus(String ns, String name, JobStatus status) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withName(name)
        .edit(
            j -> {
              j.setStatus(status);
              return j;
            });
  }

  /** The Job's pod runs: active and ready, as the Job controller counts a running pod. */
  public void jobRunning(String ns, String name, String startTime) {
    setJobStatus(
        ns,
        name,
        new JobStatusBuilder().withActive(1).withReady(1).withStartTime(startTime).build());
  }

  /** A pod of Job {@code name} whose {@code container} terminated with {@code message}. */
  void terminatedPod(String ns, String name, String container, String message, int exitCode) {
    Job job = job(ns, name);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name + "-" + Long.toHexString(System.nanoTime()))
            .withNamespace(ns)
            .addToLabels("job-name", name)
            .addNewOwnerReference()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName(name)
            .withUid(job.getMetadata().getUid())
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withNewStatus()
            .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
            .withContainerStatuses(
                new ContainerStatusBuilder()
                    .withName(container)
                    .withNewState()
                    .withNewTerminated()
                    .withExitCode(exitCode)
                    .withReason(exitCode == 0 ? "Completed" : "Error")
                    .withMessage(message)
                    .endTerminated()
                    .endState()
                    .build())
            .endStatus()
            .build();
    client.resource(pod).create();
  }

  /**
   * The pod of the Job terminated with {@code result} as its termination message, then the Job
   * finished.
   */
  public void jobFinished(
      String ns, String name, String start, String end, AgentResult result, int exitCode) {
    jobFinished(ns, name, "backup", start, end, result, exitCode);
  }

  /** The same, for a Job whose main container is {@code container} ({@code restore}). */
  public void jobFinished(
      String ns,
      String name,
      String container,
      String start,
      String end,
      AgentResult result,
      int exitCode) {
    terminatedPod(ns, name, container, result == null ? null : Serde.json(result), exitCode);
    String type = exitCode == 0 ? "Complete" : "Failed";
    setJobStatus(
        ns,
        name,
        new JobStatusBuilder()
            .withStartTime(start)
            .withCompletionTime(exitCode == 0 ? end : null)
            .withSucceeded(exitCode == 0 ? 1 : 0)
            .withFailed(exitCode == 0 ? 0 : 1)
            .withConditions(
                new JobConditionBuilder()
                    .withType(type)
                    .withStatus("True")
                    .withLastTransitionTime(end)
                    .withReason(exitCode == 0 ? null : "BackoffLimitExceeded")
                    .build())
            .build());
  }

  /**
   * The clean Job's pod ended having done {@code report}, said in its termination message as the
   * agent says it.
   */
  public void finishClean(
      String ns, String name, io.tidbbackup.api.CleanReport report, int exitCode) {
    finishClean(ns, name, io.tidbbackup.api.AgentProtocol.cleanResult(report), exitCode);
  }

  /** The clean Job's pod ended with {@code result} as its termination message. */
  public void finishClean(String ns, String name, AgentResult result, int exitCode) {
    terminatedPod(ns, name, io.tidbbackup.api.AgentProtocol.CLEAN, Serde.json(result), exitCode);
    String now = io.tidbbackup.api.Timestamps.format(java.time.Instant.now());
    setJobStatus(
        ns,
        name,
        new JobStatusBuilder()
            .withStartTime(now)
            .withCompletionTime(exitCode == 0 ? now : null)
            .withConditions(
                new JobConditionBuilder()
                    .withType(exitCode == 0 ? "Complete" : "Failed")
                    .withStatus("True")
                    .withLastTransitionTime(now)
                    .build())
            .build());
  }

  public List<Job> jobs(String ns) {
    return client.batch().v1().jobs().inNamespace(ns).list().getItems();
  }

  /**
   * The CRDs installed, then the operator started on this mock API server as the reconciler tests
   * run it.
   */
  public io.javaoperatorsdk.operator.Operator startOperator(java.time.Clock clock)
      throws IOException {
    installCrds();
    io.javaoperatorsdk.operator.Operator o =
        io.tidbbackup.operator.app.OperatorFactory.create(
            client,
            // no kubelet here, and tests move the clock hours ahead of the server's timestamps: a
            // Job's pod would be "never started"; StartWatch has tests of its own
            io.tidbbackup.operator.settings.OperatorSettings.defaults()
                .withServerSideApply(false)
                .withJobs(
                    io.tidbbackup.operator.job.JobSettings.defaults()
                        .withPodStartDeadline(java.time.Duration.ofDays(30))),
            clock);
    o.start();
    return o;
  }
}
