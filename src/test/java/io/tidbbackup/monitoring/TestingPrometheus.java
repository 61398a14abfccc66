package io.tidbbackup.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidbbackup.api.Serde;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} package (prometheus and promtool), unpacked into {@code
 * .cache/prometheus} on first use with {@code apt-get download} and {@code dpkg -x} (no root, no
 * install); a Prometheus server on a free loopback port. When it cannot be fetched the test fails
 * with the reason: it never skips.
 */
public final class TestingPrometheus implements AutoCloseable {
  static final Path HOME = Path.of(".cache/prometheus").toAbsolutePath();
  static final Path BIN = HOME.resolve("root/usr/bin");

  private final Process process;
  private final int port;
  private final Path dir;

  private TestingPrometheus(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** The path of a binary of the package (prometheus, promtool), fetched first when missing. */
  public static synchronized Path binary(String name) throws Exception {
    Path bin = BIN.resolve(name);
    if (!Files.isExecutable(bin)) {
      Files.createDirectories(HOME);
      Path debs = Files.createDirectories(HOME.resolve("deb"));
      run(List.of("apt-get", "download", "prometheus"), debs, 600);
      Path deb;
      try (var s = Files.list(debs)) {
        deb =
            s.filter(p -> p.getFileName().toString().endsWith(".deb"))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "apt-get download prometheus fetched no .deb into " + debs));
      }
      run(List.of("dpkg", "-x", deb.toString(), HOME.resolve("root").toString()), HOME, 300);
    }
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          name + " is not at " + bin + " after unpacking Debian's prometheus");
    }
    return bin;
  }

  /** Runs a command; its output when it exits 0, else an exception with the output. */
  public static String run(List<String> cmd, Path dir, int seconds) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " timed out");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
    }
    return text;
  }

  /** A Prometheus scraping {@code target} (host:port, /metrics) every second, with these rules. */
  public static TestingPrometheus start(String target, Path rules) throws Exception {
    Path prometheus = binary("prometheus");
    Path dir = Files.createTempDirectory("prometheus");
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global: {scrape_interval: 1s, evaluation_interval: 1s}
        rule_files: [%s]
        scrape_configs:
          - job_name: tidb-backup-operator
            static_configs: [{targets: ['%s']}]
        """
            .formatted(rules == null ? "" : "'" + rules + "'", target));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    TestingPrometheus tp = new TestingPrometheus(p, port, dir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
      }
      try {
        if (tp.get("/-/ready").statusCode() == 200) {
          return tp;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    tp.close();
    throw new IllegalStateException("prometheus did not get ready on port " + port);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** {@code data.result} of an instant query. */
  public JsonNode query(String expr) throws Exception {
    HttpResponse<String> r =
        get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    JsonNode body = Serde.JSON.readTree(r.body());
    if (!"success".equals(body.path("status").asText())) {
      throw new IllegalStateException(expr + ": " + r.body());
    }
    return body.path("data").path("result");
  }

  /** {@code data.groups} of the rules Prometheus loaded, with each rule's health. */
  public JsonNode rules() throws Exception {
    return Serde.JSON.readTree(get("/api/v1/rules").body()).path("data").path("groups");
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
