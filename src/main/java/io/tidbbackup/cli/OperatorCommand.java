package io.tidbbackup.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.tidbbackup.operator.OperatorFactory;
import io.tidbbackup.operator.OperatorSettings;
import io.tidbbackup.operator.job.JobSettings;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code operator}: run the controllers against the current kubeconfig or the in-cluster config. */
@Command(name = "operator", mixinStandardHelpOptions = true, description = "Run the operator against the current kubeconfig or in-cluster config.")
public class OperatorCommand implements Callable<Integer> {
  @Option(names = "--watch-namespaces", defaultValue = "${env:WATCH_NAMESPACES:-}",
      description = "comma-separated namespaces to watch; empty for all (env WATCH_NAMESPACES)")
  String watchNamespaces;

  @Option(names = "--agent-image", defaultValue = "${env:AGENT_IMAGE:-" + JobSettings.DEFAULT_AGENT_IMAGE + "}",
      description = "image that runs `agent` in Jobs (env AGENT_IMAGE)")
  String agentImage;

  @Option(names = "--image-pull-policy", defaultValue = "${env:IMAGE_PULL_POLICY:-IfNotPresent}")
  String pullPolicy;

  @Option(names = "--default-tikv-version", defaultValue = "${env:DEFAULT_TIKV_VERSION:-"
      + OperatorSettings.DEFAULT_TIKV_VERSION + "}",
      description = "tool version when no TidbCluster or spec.toolImage names one")
  String defaultTikvVersion;

  @Option(names = "--server-side-apply", negatable = true, defaultValue = "${env:SERVER_SIDE_APPLY:-true}",
      description = "use server-side apply for finalizers (turn off for API servers without it)")
  boolean ssa;

  @Override
  public Integer call() throws Exception {
    Set<String> ns = watchNamespaces == null || watchNamespaces.isBlank() ? Set.of()
        : Arrays.stream(watchNamespaces.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .collect(Collectors.toSet());
    OperatorSettings settings = new OperatorSettings(ns, new JobSettings(agentImage, pullPolicy), defaultTikvVersion,
        ssa, io.tidbbackup.operator.CleanJobPolicy.defaults());
    KubernetesClient client = new KubernetesClientBuilder().build();
    Operator operator = OperatorFactory.create(client, settings, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      client.close();
      stopped.countDown();
    }, "operator-shutdown"));
    operator.start();
    stopped.await();
    return 0;
  }
}
