package io.tidbbackup.storage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tidbbackup.api.Serde;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP fake of the two GCS JSON API endpoints the cleaner uses, served on 127.0.0.1: objects.list
 * ({@code GET /storage/v1/b/{bucket}/o} with prefix, maxResults and pageToken paging) and objects.delete
 * ({@code DELETE /storage/v1/b/{bucket}/o/{object}}, 404 when missing). Objects live in memory.
 */
public final class FakeGcsServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, NavigableMap<String, Boolean>> buckets = new ConcurrentHashMap<>();
  public final AtomicLong listRequests = new AtomicLong();
  public final AtomicLong deleteRequests = new AtomicLong();

  public FakeGcsServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.createContext("/storage/v1/b/", this::handle);
    server.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public void put(String bucket, List<String> names) {
    NavigableMap<String, Boolean> b = buckets.computeIfAbsent(bucket, k -> new ConcurrentSkipListMap<>());
    names.forEach(n -> b.put(n, true));
  }

  public List<String> names(String bucket) {
    return List.copyOf(buckets.getOrDefault(bucket, new ConcurrentSkipListMap<>()).keySet());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String raw = ex.getRequestURI().getRawPath().substring("/storage/v1/b/".length());
      String[] parts = raw.split("/", 3);
      String bucket = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      NavigableMap<String, Boolean> objects = buckets.computeIfAbsent(bucket, k -> new ConcurrentSkipListMap<>());
      if (parts.length == 2 && parts[1].equals("o") && ex.getRequestMethod().equals("GET")) {
        listRequests.incrementAndGet();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String prefix = q.getOrDefault("prefix", "");
        int max = Integer.parseInt(q.getOrDefault("maxResults", "1000"));
        String after = q.get("pageToken");
        ObjectNode body = Serde.JSON.createObjectNode().put("kind", "storage#objects");
        ArrayNode items = body.putArray("items");
        NavigableMap<String, Boolean> view = after == null ? objects.tailMap(prefix, true) : objects.tailMap(after, false);
        String last = null;
        int n = 0;
        for (String name : view.keySet()) {
          if (!name.startsWith(prefix)) {
            break;
          }
          if (n == max) {
            body.put("nextPageToken", last);
            break;
          }
          items.addObject().put("kind", "storage#object").put("name", name).put("bucket", bucket)
              .put("id", bucket + "/" + name);
          last = name;
          n++;
        }
        reply(ex, 200, Serde.json(body));
      } else if (parts.length == 3 && parts[1].equals("o") && ex.getRequestMethod().equals("DELETE")) {
        deleteRequests.incrementAndGet();
        String name = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
        if (objects.remove(name) != null) {
          ex.sendResponseHeaders(204, -1);
        } else {
          reply(ex, 404, "{\"error\":{\"code\":404,\"message\":\"No such object: " + bucket + "/" + name + "\"}}");
        }
      } else {
        reply(ex, 501, "{\"error\":{\"code\":501,\"message\":\"not faked: " + ex.getRequestMethod() + " " + raw + "\"}}");
      }
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      if (i > 0) {
        q.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
      } else if (!kv.isEmpty()) {
        q.put(URLDecoder.decode(kv, StandardCharsets.UTF_8), "");
      }
    }
    return q;
  }

  static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
