package io.tidbbackup.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The images of the test node, built by {@code controlplane/node/images.sh} without a registry: the
 * sandbox image, this project's image from its Dockerfile (on a JRE base assembled from Debian's
 * packages; the jar Maven built in place of the Dockerfile's build stage) and stand-ins for
 * pingcap's tool images with the real images' layout. Cached under {@code
 * ~/.kubeapitest/node/images}; the project's image is rebuilt when the jar changes.
 */
public final class NodeImages {
  public static final String PAUSE = "localhost/tbo-pause:1";
  public static final String AGENT = "localhost/tidb-backup-operator:test";

  private NodeImages() {}

  /** The archives to import, building what is missing; {@code versions} tag the stand-ins. */
  public static List<Path> build(List<String> versions, Consumer<String> log)
      throws IOException, InterruptedException {
    Path jar = Path.of("target", "tidb-backup-operator.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: the node's image is built from it (mvn package)");
    }
    Path nodeBin = RealNode.binaries(log);
    Path out = nodeBin.getParent().resolve("images");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "bash",
                Path.of("controlplane", "node", "images.sh").toAbsolutePath().toString(),
                out.toString(),
                jar.toString(),
                nodeBin.toString()));
    cmd.addAll(versions);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (var lines = p.inputReader(StandardCharsets.UTF_8)) {
      lines.lines().forEach(l -> log.accept("controlplane: " + l));
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(
          "controlplane/node/images.sh failed (exit " + p.exitValue() + ")");
    }
    return Files.readAllLines(out.resolve("archives.txt")).stream().map(Path::of).toList();
  }
}
