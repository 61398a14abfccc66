package io.tidbbackup.storage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP fake of a versioned S3 bucket (path style, on 127.0.0.1), for the calls the cleaner makes on one:
 * GetBucketVersioning, ListObjectVersions (paged by key and version markers), ListObjectsV2 (current
 * versions), DeleteObjects and DeleteObject with version ids. s3proxy accepts versioning requests but keeps
 * no versions, hence this fake.
 */
public final class FakeVersionedS3 implements AutoCloseable {
  record Version(String id, boolean deleteMarker) {}

  private static final Pattern OBJECT = Pattern.compile(
      "<Object>\\s*<Key>(.*?)</Key>\\s*(?:<VersionId>(.*?)</VersionId>)?\\s*</Object>", Pattern.DOTALL);
  private final HttpServer server;
  private final String bucket;
  private final Map<String, List<Version>> objects = new ConcurrentSkipListMap<>();
  private final AtomicLong ids = new AtomicLong();

  public FakeVersionedS3(String bucket) throws IOException {
    this.bucket = bucket;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(16));
    server.createContext("/", this::handle);
    server.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Adds a version (or a delete marker) of {@code key}. */
  public void put(String key, boolean deleteMarker) {
    objects.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
        .add(new Version("v" + ids.incrementAndGet(), deleteMarker));
  }

  /** Every remaining version and marker, as key#id. */
  public List<String> versions() {
    List<String> out = new ArrayList<>();
    objects.forEach((k, vs) -> vs.forEach(v -> out.add(k + "#" + v.id())));
    return out;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = URLDecoder.decode(ex.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
      Map<String, String> q = FakeGcsServer.query(ex.getRequestURI().getRawQuery());
      String key = path.length() > bucket.length() + 2 ? path.substring(bucket.length() + 2) : null;
      String method = ex.getRequestMethod();
      if (method.equals("GET") && q.containsKey("versioning")) {
        xml(ex, 200, "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");
      } else if (method.equals("GET") && q.containsKey("versions")) {
        listVersions(ex, q);
      } else if (method.equals("GET") && key == null) {
        StringBuilder b = new StringBuilder("<ListBucketResult><Name>" + bucket + "</Name><IsTruncated>false</IsTruncated>");
        String prefix = q.getOrDefault("prefix", "");
        objects.forEach((k, vs) -> {
          if (k.startsWith(prefix) && !vs.isEmpty() && !vs.get(vs.size() - 1).deleteMarker()) {
            b.append("<Contents><Key>").append(k).append("</Key><Size>1</Size></Contents>");
          }
        });
        xml(ex, 200, b.append("</ListBucketResult>").toString());
      } else if (method.equals("POST") && q.containsKey("delete")) {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder("<DeleteResult>");
        Matcher m = OBJECT.matcher(body);
        while (m.find()) {
          remove(m.group(1), m.group(2));
          b.append("<Deleted><Key>").append(m.group(1)).append("</Key>")
              .append(m.group(2) == null ? "" : "<VersionId>" + m.group(2) + "</VersionId>").append("</Deleted>");
        }
        xml(ex, 200, b.append("</DeleteResult>").toString());
      } else if (method.equals("DELETE") && key != null) {
        remove(key, q.get("versionId"));
        ex.sendResponseHeaders(204, -1);
      } else {
        xml(ex, 501, "<Error><Code>NotImplemented</Code><Message>" + method + " " + path + "</Message></Error>");
      }
    }
  }

  private void remove(String key, String versionId) {
    List<Version> vs = objects.get(key);
    if (vs == null) {
      return;
    }
    if (versionId == null) {
      put(key, true); // an unversioned delete only adds a delete marker
      return;
    }
    vs.removeIf(v -> v.id().equals(versionId));
    if (vs.isEmpty()) {
      objects.remove(key);
    }
  }

  private void listVersions(HttpExchange ex, Map<String, String> q) throws IOException {
    String prefix = q.getOrDefault("prefix", "");
    int max = Integer.parseInt(q.getOrDefault("max-keys", "1000"));
    String keyMarker = q.get("key-marker");
    String versionMarker = q.get("version-id-marker");
    List<String[]> all = new ArrayList<>();
    objects.forEach((k, vs) -> {
      if (k.startsWith(prefix)) {
        vs.forEach(v -> all.add(new String[] {k, v.id(), String.valueOf(v.deleteMarker())}));
      }
    });
    int start = 0;
    if (keyMarker != null) {
      while (start < all.size() && (all.get(start)[0].compareTo(keyMarker) < 0
          || (all.get(start)[0].equals(keyMarker) && versionMarker != null && !all.get(start)[1].equals(versionMarker)))) {
        start++;
      }
      if (start < all.size() && all.get(start)[0].equals(keyMarker)) {
        start++;
      }
    }
    int end = Math.min(all.size(), start + max);
    StringBuilder b = new StringBuilder("<ListVersionsResult><Name>" + bucket + "</Name><Prefix>" + prefix
        + "</Prefix><IsTruncated>" + (end < all.size()) + "</IsTruncated>");
    if (end < all.size()) {
      b.append("<NextKeyMarker>").append(all.get(end - 1)[0]).append("</NextKeyMarker><NextVersionIdMarker>")
          .append(all.get(end - 1)[1]).append("</NextVersionIdMarker>");
    }
    for (String[] v : all.subList(start, end)) {
      String tag = Boolean.parseBoolean(v[2]) ? "DeleteMarker" : "Version";
      b.append('<').append(tag).append("><Key>").append(v[0]).append("</Key><VersionId>").append(v[1])
          .append("</VersionId><IsLatest>false</IsLatest></").append(tag).append('>');
    }
    xml(ex, 200, b.append("</ListVersionsResult>").toString());
  }

  private static void xml(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/xml");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
