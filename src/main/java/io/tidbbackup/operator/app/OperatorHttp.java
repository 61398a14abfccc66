package io.tidbbackup.operator.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's HTTP port: {@code /metrics} (Prometheus text: ours, JOSDK's, JVM and process
 * meters), {@code /healthz} (liveness: started, whatever the API server does) and {@code /readyz}
 * (readiness: started and every running informer watching). Plain JDK HTTP server on two threads;
 * nothing on it writes.
 */
public final class OperatorHttp implements AutoCloseable {
  private final HttpServer server;

  private OperatorHttp(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on {@code port} (0 picks a free one). */
  public static OperatorHttp start(
      int port, PrometheusMeterRegistry registry, Supplier<RuntimeInfo> runtime)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
    server.createContext(
        "/metrics",
        ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/healthz",
        ex -> {
          String why = liveness(runtime.get());
          reply(ex, why == null ? 200 : 503, "text/plain", why == null ? "ok\n" : why + "\n");
        });
    server.createContext(
        "/readyz",
        ex -> {
          String why = readiness(runtime.get());
          reply(ex, why == null ? 200 : 503, "text/plain", why == null ? "ready\n" : why + "\n");
        });
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "operator-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    return new OperatorHttp(server);
  }

  /**
   * Liveness: the process can still make progress, which an API-server outage does not change (the
   * informers reconnect by themselves; a restart would only lose their caches). Fails only when the
   * operator is not (or no longer) started. Null when alive, else why not.
   */
  static String liveness(RuntimeInfo info) {
    return info != null && info.isStarted() ? null : "not started";
  }

  /**
   * Readiness: started, and every informer that runs is watching the API server: false during an
   * outage, back when the watches are. A standby replica (leader election), whose informers do not
   * run, is ready. Null when ready, else why not.
   */
  static String readiness(RuntimeInfo info) {
    if (info == null || !info.isStarted()) {
      return "starting";
    }
    java.util.List<String> notWatching = new java.util.ArrayList<>();
    for (var controller : info.unhealthyInformerWrappingEventSourceHealthIndicator().entrySet()) {
      for (var source : controller.getValue().entrySet()) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, io.javaoperatorsdk.operator.health.InformerHealthIndicator>
            informers = source.getValue().informerHealthIndicators();
        informers.forEach(
            (ns, informer) -> {
              if (informer.isRunning() && !informer.isWatching()) {
                notWatching.add(controller.getKey() + "/" + source.getKey() + " in " + ns);
              }
            });
      }
    }
    return notWatching.isEmpty()
        ? null
        : "not watching the API server: " + String.join(", ", notWatching);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
