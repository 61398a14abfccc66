package io.tidbbackup.operator;

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
 * The operator's HTTP port: {@code /metrics} (Prometheus text: the clean counters and timer, JVM
 * and process meters), {@code /healthz} (the controllers started and every informer healthy) and
 * {@code /readyz} (started). Plain JDK HTTP server on two threads; nothing on it writes.
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
          RuntimeInfo info = runtime.get();
          boolean ok = info != null && info.isStarted() && info.allEventSourcesAreHealthy();
          reply(
              ex,
              ok ? 200 : 503,
              "text/plain",
              ok
                  ? "ok\n"
                  : "unhealthy: "
                      + (info == null || !info.isStarted()
                          ? "not started"
                          : info.unhealthyEventSources())
                      + "\n");
        });
    server.createContext(
        "/readyz",
        ex -> {
          RuntimeInfo info = runtime.get();
          boolean ok = info != null && info.isStarted();
          reply(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "starting\n");
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
