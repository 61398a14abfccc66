package io.tidbbackup.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tidbbackup.api.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Plays the kubelet of one simulated Node against a real API server, for the tests that need a
 * fault a real kubelet cannot produce on demand. The node is tainted and labelled so that only the
 * pods of a simulated namespace ({@link LocalCluster#simulatedNamespace}) come here, bound by the
 * real kube-scheduler; every other pod runs in containers on the real node ({@link RealNode}). It
 * resolves their env as the kubelet does (a missing Secret or key is a {@code
 * CreateContainerConfigError}), runs the main container through {@link ContainerRuntime}, and
 * writes {@code pods/status} (phase, init and container states, the termination message) through
 * the status subresource. A bound pod that is deleted is stopped and then removed with grace period
 * 0, as a kubelet does.
 *
 * <p>On request ({@link #inject}) a pod is left in {@code ImagePullBackOff} (one pod of an image
 * the node has and other pods run, which a real kubelet would pull fine), evicted, or held running
 * until {@link Hold#release()} (a point a real container cannot be stopped at on demand), so that
 * those paths can be tested.
 */
public final class LocalKubelet implements AutoCloseable {
  public static final String NODE = "local-kubelet";

  /** The label a simulated namespace's pods select and the taint only they tolerate. */
  public static final String NODE_LABEL = "tidbbackup.test/kubelet";

  public static final String NODE_LABEL_VALUE = "simulated";

  /** What the main container does; {@code cancelled} turns true when the pod is being deleted. */
  public interface ContainerRuntime {
    Outcome run(PodRun run) throws Exception;
  }

  /** A container's end: exit code and termination message. */
  public record Outcome(int exitCode, String terminationMessage) {}

  /** One pod's main container as the runtime sees it. */
  public record PodRun(
      String namespace,
      String pod,
      String jobName,
      Container container,
      Map<String, String> env,
      java.util.function.BooleanSupplier cancelled,
      java.nio.file.Path log) {
    /** Appends a line to the container's log (what {@code kubectl logs} shows). */
    public void print(String line) {
      try {
        java.nio.file.Files.writeString(
            log,
            line + "\n",
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    public List<String> args() {
      return container.getArgs() == null ? List.of() : container.getArgs();
    }
  }

  /** A fault for the pods a predicate picks. */
  public enum Fault {
    IMAGE_PULL_BACKOFF,
    EVICT,
    HOLD
  }

  private final KubernetesClient client;
  private final ContainerRuntime runtime;
  private final Consumer<String> log;
  private final ExecutorService pods =
      Executors.newFixedThreadPool(6, r -> daemon(r, "kubelet-pod"));
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kubelet-retry"));
  private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cancelled = new ConcurrentHashMap<>();
  private final List<Injection> injections = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<Pod> informer;
  private KubeletLogServer logs;

  private record Injection(Predicate<Pod> which, Fault fault, Hold hold) {}

  /** A held pod keeps running until released. */
  public static final class Hold {
    private final java.util.concurrent.CountDownLatch released =
        new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch reached =
        new java.util.concurrent.CountDownLatch(1);

    public void release() {
      released.countDown();
    }

    /** Waits until a pod reached the hold. */
    public boolean awaitReached(long seconds) throws InterruptedException {
      return reached.await(seconds, TimeUnit.SECONDS);
    }
  }

  public LocalKubelet(KubernetesClient client, ContainerRuntime runtime, Consumer<String> log) {
    this.client = client;
    this.runtime = runtime;
    this.log = log;
  }

  /**
   * Registers the Node (its address and kubelet port: the API server proxies {@code pods/log} to
   * {@link KubeletLogServer}) and starts watching every namespace's pods.
   */
  public LocalKubelet start() {
    try {
      logs = new KubeletLogServer(java.nio.file.Files.createTempDirectory("local-kubelet-logs"));
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the local kubelet's log server", e);
    }
    if (client.nodes().withName(NODE).get() == null) {
      client
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(NODE)
                  .addToLabels("kubernetes.io/hostname", NODE)
                  .addToLabels(NODE_LABEL, NODE_LABEL_VALUE)
                  .endMetadata()
                  .withNewSpec()
                  .addNewTaint()
                  .withKey(NODE_LABEL)
                  .withValue(NODE_LABEL_VALUE)
                  .withEffect("NoSchedule")
                  .endTaint()
                  .endSpec()
                  .build())
          .create();
    }
    client
        .nodes()
        .withName(NODE)
        .editStatus(
            n ->
                new NodeBuilder(n)
                    .withNewStatus()
                    .addNewAddress()
                    .withType("InternalIP")
                    .withAddress("127.0.0.1")
                    .endAddress()
                    .withNewDaemonEndpoints()
                    .withNewKubeletEndpoint()
                    .withPort(logs.port())
                    .endKubeletEndpoint()
                    .endDaemonEndpoints()
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("True")
                    .withReason("KubeletReady")
                    .withLastHeartbeatTime(Timestamps.format(Instant.now()))
                    .endCondition()
                    .addToCapacity("cpu", new io.fabric8.kubernetes.api.model.Quantity("64"))
                    .addToCapacity("memory", new io.fabric8.kubernetes.api.model.Quantity("256Gi"))
                    .addToCapacity("pods", new io.fabric8.kubernetes.api.model.Quantity("500"))
                    .addToAllocatable("cpu", new io.fabric8.kubernetes.api.model.Quantity("64"))
                    .addToAllocatable(
                        "memory", new io.fabric8.kubernetes.api.model.Quantity("256Gi"))
                    .addToAllocatable("pods", new io.fabric8.kubernetes.api.model.Quantity("500"))
                    .endStatus()
                    .build());
    // the API server taints a new Node not-ready; with no node lifecycle controller to lift it,
    // lift it as that controller would, now that the node is Ready
    client
        .nodes()
        .withName(NODE)
        .edit(
            n -> {
              n.getSpec()
                  .getTaints()
                  .removeIf(t -> t.getKey().equals("node.kubernetes.io/not-ready"));
              return n;
            });
    informer =
        client
            .pods()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    handle(pod);
                  }

                  @Override
                  public void onUpdate(Pod old, Pod pod) {
                    handle(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {
                    cancel(key(pod));
                  }
                },
                30_000L);
    return this;
  }

  /**
   * Applies {@code fault} to the pods {@code which} picks from now on; a HOLD returns its handle.
   */
  public Hold inject(Predicate<Pod> which, Fault fault) {
    Hold hold = new Hold();
    injections.add(new Injection(which, fault, hold));
    return hold;
  }

  /** Picks the pods of Job {@code name} in {@code namespace}. */
  public static Predicate<Pod> ofJob(String namespace, String name) {
    return p ->
        namespace.equals(p.getMetadata().getNamespace())
            && p.getMetadata().getLabels() != null
            && name.equals(p.getMetadata().getLabels().get("job-name"));
  }

  public void clearInjections() {
    injections.forEach(i -> i.hold().release());
    injections.clear();
  }

  private Injection injection(Pod pod) {
    return injections.stream().filter(i -> i.which().test(pod)).findFirst().orElse(null);
  }

  private void handle(Pod pod) {
    String key = key(pod);
    try {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        if (NODE.equals(pod.getSpec().getNodeName())) {
          stopAndRemove(pod);
        }
        return;
      }
      if (!NODE.equals(pod.getSpec().getNodeName()) || isTerminal(pod)) {
        return;
      }
      if (running.containsKey(key)) {
        return;
      }
      running.computeIfAbsent(key, k -> pods.submit(() -> run(pod)));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        log.accept("kubelet: pod " + key + ": " + e.getMessage());
      }
    }
  }

  private void run(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String key = key(pod);
    Container main = pod.getSpec().getContainers().get(0);
    String jobName =
        pod.getMetadata().getLabels() == null
            ? null
            : pod.getMetadata().getLabels().get("job-name");
    String start = Timestamps.format(Instant.now());
    try {
      Injection inj = injection(pod);
      if (inj != null && inj.fault() == Fault.IMAGE_PULL_BACKOFF) {
        writeStatus(
            ns,
            name,
            waiting(
                pod,
                start,
                "ImagePullBackOff",
                "Back-off pulling image \"" + main.getImage() + "\""));
        return;
      }
      Map<String, String> env;
      try {
        env = env(ns, main.getEnv());
      } catch (MissingSecret e) {
        writeStatus(ns, name, waiting(pod, start, "CreateContainerConfigError", e.getMessage()));
        running.remove(key);
        retries.schedule(
            () -> {
              Pod now = client.pods().inNamespace(ns).withName(name).get();
              if (now != null) {
                handle(now);
              }
            },
            2,
            TimeUnit.SECONDS);
        return;
      }
      writeStatus(ns, name, runningStatus(pod, start));
      if (inj != null && inj.fault() == Fault.EVICT) {
        writeStatus(
            ns,
            name,
            new PodStatusBuilder(runningStatus(pod, start))
                .withPhase("Failed")
                .withReason("Evicted")
                .withMessage("The node was low on resource: ephemeral-storage.")
                .withContainerStatuses(terminated(main, start, 137, "Error", null))
                .build());
        log.accept("kubelet: evicted pod " + key);
        return;
      }
      if (inj != null && inj.fault() == Fault.HOLD) {
        inj.hold().reached.countDown();
        while (!inj.hold().released.await(100, TimeUnit.MILLISECONDS)) {
          if (cancelled.containsKey(key)) {
            return;
          }
        }
      }
      log.accept(
          "kubelet: pod "
              + key
              + " runs `"
              + String.join(" ", main.getArgs() == null ? List.of() : main.getArgs())
              + "`");
      Outcome out =
          runtime.run(
              new PodRun(
                  ns,
                  name,
                  jobName,
                  main,
                  env,
                  () -> cancelled.containsKey(key),
                  logs.file(ns, name, main.getName())));
      if (cancelled.containsKey(key)) {
        return;
      }
      boolean ok = out.exitCode() == 0;
      writeStatus(
          ns,
          name,
          new PodStatusBuilder(runningStatus(pod, start))
              .withPhase(ok ? "Succeeded" : "Failed")
              .withConditions(
                  new PodConditionBuilder()
                      .withType("Ready")
                      .withStatus("False")
                      .withReason("PodCompleted")
                      .build())
              .withContainerStatuses(
                  terminated(
                      main,
                      start,
                      out.exitCode(),
                      ok ? "Completed" : "Error",
                      out.terminationMessage()))
              .build());
      log.accept(
          "kubelet: pod " + key + (ok ? " succeeded" : " failed (exit " + out.exitCode() + ")"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.accept("kubelet: pod " + key + ": " + e);
      try {
        writeStatus(
            ns,
            name,
            new PodStatusBuilder(runningStatus(pod, start))
                .withPhase("Failed")
                .withContainerStatuses(
                    terminated(main, start, 128, "ContainerCannotRun", e.toString()))
                .build());
      } catch (RuntimeException ignored) {
        // the pod is gone
      }
    }
  }

  /**
   * A deleted pod: its container stopped (exit 143), the pod marked Failed, then removed with grace
   * period 0.
   */
  private void stopAndRemove(Pod pod) {
    String key = key(pod);
    if (cancelled.putIfAbsent(key, Boolean.TRUE) != null) {
      return;
    }
    pods.submit(
        () -> {
          Future<?> f = running.remove(key);
          if (f != null) {
            f.cancel(true);
          }
          String ns = pod.getMetadata().getNamespace();
          String name = pod.getMetadata().getName();
          try {
            if (!isTerminal(pod)) {
              Container main = pod.getSpec().getContainers().get(0);
              String now = Timestamps.format(Instant.now());
              writeStatus(
                  ns,
                  name,
                  new PodStatusBuilder(runningStatus(pod, now))
                      .withPhase("Failed")
                      .withContainerStatuses(terminated(main, now, 143, "Error", null))
                      .build());
            }
            client.pods().inNamespace(ns).withName(name).withGracePeriod(0).delete();
            logs.forget(ns, name);
            log.accept("kubelet: pod " + key + " stopped and removed");
          } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
              log.accept("kubelet: cannot remove pod " + key + ": " + e.getMessage());
            }
          }
        });
  }

  private void cancel(String key) {
    cancelled.put(key, Boolean.TRUE);
    Future<?> f = running.remove(key);
    if (f != null) {
      f.cancel(true);
    }
  }

  private void writeStatus(String ns, String name, PodStatus status) {
    Pod patch =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .withStatus(status)
            .build();
    client.pods().inNamespace(ns).resource(patch).patchStatus();
  }

  private static PodStatus runningStatus(Pod pod, String start) {
    Container main = pod.getSpec().getContainers().get(0);
    List<ContainerStatus> init = new ArrayList<>();
    for (Container c :
        pod.getSpec().getInitContainers() == null
            ? List.<Container>of()
            : pod.getSpec().getInitContainers()) {
      init.add(terminated(c, start, 0, "Completed", null).get(0));
    }
    return new PodStatusBuilder()
        .withPhase("Running")
        .withHostIP("127.0.0.1")
        .withPodIP("127.0.0.1")
        .withStartTime(start)
        .withConditions(
            new PodConditionBuilder().withType("Ready").withStatus("True").build(),
            new PodConditionBuilder().withType("PodScheduled").withStatus("True").build())
        .withInitContainerStatuses(init)
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(main.getName())
                .withImage(main.getImage())
                .withImageID(main.getImage())
                .withReady(true)
                .withStarted(true)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .withStartedAt(start)
                .endRunning()
                .endState()
                .build())
        .build();
  }

  private static PodStatus waiting(Pod pod, String start, String reason, String message) {
    Container main = pod.getSpec().getContainers().get(0);
    return new PodStatusBuilder()
        .withPhase("Pending")
        .withHostIP("127.0.0.1")
        .withStartTime(start)
        .withConditions(
            new PodConditionBuilder().withType("PodScheduled").withStatus("True").build())
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(main.getName())
                .withImage(main.getImage())
                .withImageID("")
                .withReady(false)
                .withStarted(false)
                .withRestartCount(0)
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .endState()
                .build())
        .build();
  }

  private static List<ContainerStatus> terminated(
      Container c, String start, int exit, String reason, String msg) {
    String end = Timestamps.format(Instant.now());
    return List.of(
        new ContainerStatusBuilder()
            .withName(c.getName())
            .withImage(c.getImage())
            .withImageID(c.getImage())
            .withReady(false)
            .withStarted(false)
            .withRestartCount(0)
            .withNewState()
            .withNewTerminated()
            .withExitCode(exit)
            .withReason(reason)
            .withMessage(msg)
            .withStartedAt(start)
            .withFinishedAt(end)
            .endTerminated()
            .endState()
            .build());
  }

  private static boolean isTerminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static final class MissingSecret extends Exception {
    MissingSecret(String message) {
      super(message);
    }
  }

  /**
   * The container's env as the kubelet resolves it: values and secretKeyRefs (an optional ref may
   * be absent).
   */
  private Map<String, String> env(String ns, List<EnvVar> vars) throws MissingSecret {
    Map<String, String> env = new HashMap<>();
    for (EnvVar v : vars == null ? List.<EnvVar>of() : vars) {
      if (v.getValue() != null) {
        env.put(v.getName(), v.getValue());
      } else if (v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null) {
        var ref = v.getValueFrom().getSecretKeyRef();
        boolean optional = Boolean.TRUE.equals(ref.getOptional());
        Secret s = client.secrets().inNamespace(ns).withName(ref.getName()).get();
        if (s == null) {
          if (optional) {
            continue;
          }
          throw new MissingSecret("secret \"" + ref.getName() + "\" not found");
        }
        String value =
            s.getData() != null && s.getData().containsKey(ref.getKey())
                ? new String(
                    Base64.getDecoder().decode(s.getData().get(ref.getKey())),
                    StandardCharsets.UTF_8)
                : s.getStringData() == null ? null : s.getStringData().get(ref.getKey());
        if (value == null && !optional) {
          throw new MissingSecret(
              "couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
        }
        if (value != null) {
          env.put(v.getName(), value);
        }
      }
    }
    return env;
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace()
        + "/"
        + pod.getMetadata().getName()
        + "/"
        + pod.getMetadata().getUid();
  }

  static Thread daemonThread(Runnable r) {
    return daemon(r, "kubelet-logs");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    clearInjections();
    pods.shutdownNow();
    retries.shutdownNow();
    if (logs != null) {
      logs.close();
    }
  }
}
