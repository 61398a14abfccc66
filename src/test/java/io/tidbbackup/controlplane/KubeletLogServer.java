package io.tidbbackup.controlplane;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The local kubelet's HTTPS endpoint for container logs ({@code GET
 * /containerLogs/<namespace>/<pod>/<container>?tailLines=N}), the one the API server proxies {@code
 * pods/log} to: {@code kubectl logs} and the operator's log reads work on the local control plane.
 * Each container's log is a file the runtime writes. Its certificate is self-signed (made with the
 * JDK's keytool); the API server, given no kubelet CA, does not verify it, as on a cluster whose
 * kubelets serve self-signed certificates.
 */
final class KubeletLogServer implements AutoCloseable {
  private final Path dir;
  private final HttpsServer server;

  KubeletLogServer(Path dir) throws Exception {
    this.dir = dir;
    Files.createDirectories(dir);
    char[] pass = "kubelet".toCharArray();
    Path store = dir.resolve("kubelet.p12");
    if (!Files.exists(store)) {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                  "-genkeypair",
                  "-alias",
                  "kubelet",
                  "-keyalg",
                  "RSA",
                  "-keysize",
                  "2048",
                  "-dname",
                  "CN=" + LocalKubelet.NODE,
                  "-ext",
                  "SAN=ip:127.0.0.1",
                  "-validity",
                  "30",
                  "-storetype",
                  "PKCS12",
                  "-keystore",
                  store.toString(),
                  "-storepass",
                  new String(pass))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + out);
      }
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, pass);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pass);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.setExecutor(Executors.newFixedThreadPool(2, LocalKubelet::daemonThread));
    server.createContext("/containerLogs/", this::logs);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The file a container's log is written to. */
  Path file(String namespace, String pod, String container) {
    return dir.resolve(namespace + "_" + pod + "_" + container + ".log");
  }

  /** Removes the logs of a pod that is gone. */
  void forget(String namespace, String pod) {
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().startsWith(namespace + "_" + pod + "_")) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException ignored) {
      // best effort
    }
  }

  private void logs(HttpExchange ex) throws IOException {
    try (ex) {
      String[] parts = ex.getRequestURI().getPath().split("/");
      // "", "containerLogs", ns, pod, container
      Path f = parts.length == 5 ? file(parts[2], parts[3], parts[4]) : null;
      if (f == null || !Files.exists(f)) {
        reply(ex, 404, "no such container log\n");
        return;
      }
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      Integer tail = tailLines(ex.getRequestURI().getRawQuery());
      if (tail != null && tail < lines.size()) {
        Deque<String> last = new ArrayDeque<>(lines.subList(lines.size() - tail, lines.size()));
        lines = List.copyOf(last);
      }
      reply(ex, 200, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }
  }

  static Integer tailLines(String query) {
    if (query == null) {
      return null;
    }
    for (String kv : query.split("&")) {
      if (kv.startsWith("tailLines=")) {
        try {
          return Integer.parseInt(kv.substring("tailLines=".length()));
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
