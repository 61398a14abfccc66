package io.tidbbackup.controlplane;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real node under a {@link ControlPlane}: kube-scheduler, and containerd + runc + bridge CNI +
 * kubelet started by {@code controlplane/node/node.sh} (its own network namespace for the pods, a
 * private mount namespace for containerd and kubelet), from binaries {@code controlplane/build.sh
 * node} builds and Debian's runtime packages. Pods run as containers from images imported from
 * local archives ({@link NodeImages}); nothing is pulled. Each process runs under a watchdog that
 * stops it, and removes the node's network and cgroups, when this JVM is gone however it went.
 *
 * <p>Pods reach servers of the test at {@link #hostAddress()} (the host's end of the node's veth);
 * the API server reaches the kubelet there too.
 */
public final class RealNode implements AutoCloseable {
  private final Path dir;
  private final int id;
  private final List<Process> processes = new ArrayList<>();
  private final Consumer<String> log;

  private RealNode(Path dir, int id, Consumer<String> log) {
    this.dir = dir;
    this.id = id;
    this.log = log;
  }

  /** The node's name in the API. */
  public String name() {
    return "tbo-node-" + id;
  }

  /**
   * Where pods reach the host: the host's end of the node's veth, never a route off the machine.
   */
  public String hostAddress() {
    return "10.200." + id + ".1";
  }

  /**
   * Builds (or finds cached) the node's binaries, starts kube-scheduler and the node with {@code
   * images} imported, and waits until the node is Ready.
   */
  public static RealNode start(ControlPlane cp, Path dir, List<Path> images, Consumer<String> log)
      throws Exception {
    Path nodeBin = binaries(log);
    Files.createDirectories(dir);
    // one /24 of 10.201/16 and one /30 of 10.200/16 per JVM
    int id = (int) (ProcessHandle.current().pid() % 200) + 20;
    RealNode node = new RealNode(dir.toAbsolutePath(), id, log);
    try {
      node.run(cp, nodeBin, images);
      return node;
    } catch (Exception e) {
      node.close();
      throw new IllegalStateException(
          "the test node did not start: " + e.getMessage() + " (logs in " + node.dir + ")", e);
    }
  }

  private void run(ControlPlane cp, Path nodeBin, List<Path> images) throws Exception {
    long t0 = System.nanoTime();
    Path kubeconfig =
        cp.writeKubeconfig(dir.resolve("admin.kubeconfig"), ControlPlane.ADMIN_TOKEN, "default");
    processes.add(
        ControlPlane.watched(
            dir.resolve("kube-scheduler.log"),
            "kube-scheduler",
            List.of(
                nodeBin.resolve("kube-scheduler").toString(),
                "--kubeconfig=" + kubeconfig,
                "--authentication-kubeconfig=" + kubeconfig,
                "--authorization-kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1",
                "--secure-port=" + ControlPlane.freePort(),
                "--leader-elect=false",
                "--v=0"),
            Map.of(),
            null));
    Path script = Path.of("controlplane", "node", "node.sh").toAbsolutePath();
    Path work = dir.resolve("node");
    StringBuilder imageList = new StringBuilder();
    images.forEach(i -> imageList.append(i.toAbsolutePath()).append(' '));
    processes.add(
        ControlPlane.watched(
            dir.resolve("node.log"),
            "node",
            List.of(
                "bash", script.toString(), "up", work.toString(), kubeconfig.toString(), "" + id),
            Map.of(
                "NODE_BIN", nodeBin.toString(),
                "IMAGES", imageList.toString().trim(),
                "PAUSE_IMAGE", NodeImages.PAUSE),
            List.of("bash", script.toString(), "down", work.toString(), "" + id)));
    KubernetesClient admin = cp.admin();
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (!ready(admin.nodes().withName(name()).get())) {
      if (System.nanoTime() > deadline || !processes.get(1).isAlive()) {
        throw new IllegalStateException(
            "node " + name() + " not Ready; kubelet said: " + tail(work.resolve("kubelet.log")));
      }
      Thread.sleep(250);
    }
    // the controller manager here runs no node lifecycle controller, which lifts the taint kubelet
    // registers with until the node is Ready: lift it as that controller would
    admin
        .nodes()
        .withName(name())
        .edit(
            n -> {
              if (n.getSpec().getTaints() != null) {
                n.getSpec()
                    .getTaints()
                    .removeIf(t -> t.getKey().equals("node.kubernetes.io/not-ready"));
              }
              return n;
            });
    log.accept(
        "controlplane: node "
            + name()
            + " Ready in "
            + Duration.ofNanos(System.nanoTime() - t0).toMillis()
            + " ms (containerd, runc, kubelet, kube-scheduler)");
  }

  static boolean ready(Node n) {
    return n != null
        && n.getStatus() != null
        && n.getStatus().getConditions() != null
        && n.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static Path binaries;

  /**
   * The directory with kubelet, kube-scheduler and pause, built first when missing (once a JVM).
   */
  static synchronized Path binaries(Consumer<String> log) throws IOException, InterruptedException {
    if (binaries == null) {
      binaries = ControlPlane.built("node", "--print-node-dir", log);
    }
    return binaries;
  }

  /** Stops the node (its pods, containerd, kubelet, the network) and the scheduler. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      ControlPlane.stop(processes.get(i));
    }
    processes.clear();
  }
}
