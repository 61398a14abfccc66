package io.tidbbackup.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bench-only S3 endpoint on loopback for cleaning at scale: one bucket holding {@code n} keys in
 * BR's layout under one prefix (SST files in store directories, then backupmeta, the lock and a
 * checkpoint), generated on the fly in listing order, so 10 million objects cost no memory but a
 * bit per key for what was deleted. It serves what the cleaner calls (ListObjectsV2 with
 * continuation tokens, GetBucketVersioning, DeleteObjects, DeleteObject) and can hold deletes to a
 * rate of keys per second, answering {@code 503 SlowDown} above it as S3 does per prefix. It counts
 * every request, every SlowDown, and any delete of a key that is not one of its own (a cleaner that
 * strays outside the prefix). It can add a remote store's round trip to every request ({@code
 * latencyMs}). A listing names each key with LastModified, ETag, Size and StorageClass, as S3 does
 * (TiDB Operator's gocloud client fails on an answer without them), and rolls keys up into
 * CommonPrefixes when asked with a delimiter.
 */
public final class SyntheticS3 implements AutoCloseable {
  static final String META_1 = "backup.lock";
  static final String META_2 = "backupmeta";
  static final String META_3 = "checkpoints/backup/checkpoint.meta";

  final String bucket;
  final String prefix;
  final int n;
  private final BitSet deleted;
  private final HttpServer server;
  private final ExecutorService pool;

  /** Deleted keys per second allowed (0: no limit), with one second's worth as burst. */
  private final double rate;

  /** Added to every request before it is answered: a remote store's round trip. */
  private final long latencyMs;

  private double tokens;
  private long lastRefill = System.nanoTime();

  final AtomicLong lists = new AtomicLong();
  final AtomicLong deleteRequests = new AtomicLong();
  final AtomicLong slowDowns = new AtomicLong();
  final AtomicLong strayDeletes = new AtomicLong();
  final AtomicLong otherRequests = new AtomicLong();

  public SyntheticS3(String bucket, String prefix, int n, double keysPerSecond) throws IOException {
    this(bucket, prefix, n, keysPerSecond, 0);
  }

  /**
   * @param latencyMs added to every request (each on a thread of its own, so that concurrent
   *     requests wait together, as on a remote store)
   */
  public SyntheticS3(String bucket, String prefix, int n, double keysPerSecond, long latencyMs)
      throws IOException {
    if (n < 4) {
      throw new IllegalArgumentException("at least 4 keys");
    }
    this.bucket = bucket;
    this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    this.n = n;
    this.deleted = new BitSet(n);
    this.rate = keysPerSecond;
    this.tokens = keysPerSecond;
    this.latencyMs = latencyMs;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    // with a latency, a thread per waiting request: the pool must not be what limits concurrency
    this.pool = Executors.newFixedThreadPool(latencyMs > 0 ? 256 : 32);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  public String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public synchronized int remaining() {
    return n - deleted.cardinality();
  }

  /** The i-th key in listing order. */
  String key(int i) {
    int ssts = n - 3;
    if (i >= ssts) {
      return prefix + (i == ssts ? META_1 : i == ssts + 1 ? META_2 : META_3);
    }
    int store = 1 + (int) ((long) i * 5 / ssts);
    String digits = Integer.toString(i);
    return prefix
        + store
        + "/"
        + "0000000000".substring(digits.length()) // %010d without the formatter's cost
        + digits
        + "_7_"
        + Integer.toHexString((int) (i * 2654435761L))
        + "_"
        + (400036290571534337L + i)
        + (i % 2 == 0 ? "_default.sst" : "_write.sst");
  }

  /**
   * The index of the first key at or after {@code s} in listing order (the keys are generated
   * sorted), n when there is none.
   */
  int lowerBound(String s) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (key(mid).compareTo(s) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The index of one of our keys, else -1. */
  int index(String key) {
    if (!key.startsWith(prefix)) {
      return -1;
    }
    String rest = key.substring(prefix.length());
    int i;
    switch (rest) {
      case META_1 -> i = n - 3;
      case META_2 -> i = n - 2;
      case META_3 -> i = n - 1;
      default -> {
        int slash = rest.indexOf('/');
        int us = rest.indexOf('_', slash + 1);
        if (slash < 0 || us < 0) {
          return -1;
        }
        try {
          i = Integer.parseInt(rest.substring(slash + 1, us));
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return i >= 0 && i < n && key(i).equals(key) ? i : -1;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (latencyMs > 0) {
        try {
          Thread.sleep(latencyMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String method = ex.getRequestMethod();
      String bucketPath = "/" + bucket;
      if (method.equals("GET") && path.equals(bucketPath) && q.containsKey("versioning")) {
        otherRequests.incrementAndGet();
        reply(
            ex,
            200,
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
      } else if (method.equals("GET")
          && (path.equals(bucketPath) || path.equals(bucketPath + "/"))
          && "2".equals(q.get("list-type"))) {
        lists.incrementAndGet();
        list(ex, q);
      } else if (method.equals("POST") && path.equals(bucketPath) && q.containsKey("delete")) {
        deleteRequests.incrementAndGet();
        deleteObjects(ex, body(ex));
      } else if (method.equals("DELETE") && path.startsWith(bucketPath + "/")) {
        deleteRequests.incrementAndGet();
        body(ex);
        String key =
            URLDecoder.decode(path.substring(bucketPath.length() + 1), StandardCharsets.UTF_8);
        if (!take(1)) {
          slowDown(ex);
          return;
        }
        forget(key);
        ex.sendResponseHeaders(204, -1);
      } else {
        otherRequests.incrementAndGet();
        reply(
            ex,
            501,
            "<Error><Code>NotImplemented</Code><Message>"
                + method
                + " "
                + path
                + "</Message></Error>");
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
    }
  }

  private void list(HttpExchange ex, Map<String, String> q) throws IOException {
    String want = q.getOrDefault("prefix", "");
    String delimiter = q.getOrDefault("delimiter", "");
    int max = Math.min(1000, Integer.parseInt(q.getOrDefault("max-keys", "1000")));
    boolean url = "url".equals(q.get("encoding-type"));
    StringBuilder xml =
        new StringBuilder(64 + max * 200)
            .append("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>")
            .append(bucket)
            .append("</Name><Prefix>")
            .append(want)
            .append("</Prefix>");
    if (!delimiter.isEmpty()) {
      xml.append("<Delimiter>").append(delimiter).append("</Delimiter>");
    }
    if (url) {
      xml.append("<EncodingType>url</EncodingType>");
    }
    int from = 0;
    if (q.containsKey("continuation-token")) {
      from = Integer.parseInt(q.get("continuation-token"));
    } else if (q.containsKey("start-after")) {
      from = lowerBound(q.get("start-after") + "\0");
    }
    int count = 0;
    int next = -1;
    StringBuilder rolledUp = new StringBuilder();
    // only our prefix, or a prefix of it, holds keys (the listing of a sibling is empty); the keys
    // are sorted, so the listing starts at the first one at or after the prefix asked for
    if (prefix.startsWith(want) || want.startsWith(prefix)) {
      synchronized (this) {
        int i = deleted.nextClearBit(Math.max(from, lowerBound(want)));
        while (i < n) {
          String k = key(i);
          if (!k.startsWith(want)) {
            break;
          }
          if (count == max) {
            next = i;
            break;
          }
          int cut = delimiter.isEmpty() ? -1 : k.indexOf(delimiter, want.length());
          if (cut >= 0) {
            // a common prefix stands for all its keys: the listing goes on after the last of them
            String common = k.substring(0, cut + delimiter.length());
            rolledUp.append("<CommonPrefixes><Prefix>").append(common);
            rolledUp.append("</Prefix></CommonPrefixes>");
            count++;
            i = deleted.nextClearBit(lowerBound(common + Character.MAX_VALUE));
            continue;
          }
          xml.append("<Contents><Key>")
              .append(k)
              .append("</Key><LastModified>2026-12-01T00:00:00.000Z</LastModified><ETag>")
              .append("&quot;8b1a9953c4611296a827abf8c47804d7&quot;</ETag><Size>1</Size>")
              .append("<StorageClass>STANDARD</StorageClass></Contents>");
          count++;
          i = deleted.nextClearBit(i + 1);
        }
      }
    }
    xml.append(rolledUp);
    xml.append("<KeyCount>").append(count).append("</KeyCount><MaxKeys>").append(max);
    xml.append("</MaxKeys><IsTruncated>").append(next >= 0).append("</IsTruncated>");
    if (q.containsKey("continuation-token")) {
      xml.append("<ContinuationToken>").append(q.get("continuation-token"));
      xml.append("</ContinuationToken>");
    }
    if (next >= 0) {
      xml.append("<NextContinuationToken>").append(next).append("</NextContinuationToken>");
    }
    reply(ex, 200, xml.append("</ListBucketResult>").toString());
  }

  private void deleteObjects(HttpExchange ex, String body) throws IOException {
    java.util.List<String> keys = new java.util.ArrayList<>(1000);
    int at = 0;
    while ((at = body.indexOf("<Key>", at)) >= 0) {
      int end = body.indexOf("</Key>", at);
      keys.add(unescape(body.substring(at + 5, end)));
      at = end + 6;
    }
    if (!take(keys.size())) {
      slowDown(ex);
      return;
    }
    boolean quiet = body.contains("<Quiet>true</Quiet>");
    StringBuilder xml =
        new StringBuilder(64 + (quiet ? 0 : keys.size() * 120))
            .append("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (String k : keys) {
      forget(k);
      if (!quiet) {
        xml.append("<Deleted><Key>").append(k).append("</Key></Deleted>");
      }
    }
    reply(ex, 200, xml.append("</DeleteResult>").toString());
  }

  private void forget(String key) {
    int i = index(key);
    if (i < 0) {
      strayDeletes.incrementAndGet();
      return;
    }
    synchronized (this) {
      deleted.set(i);
    }
  }

  /** Takes {@code k} keys from the bucket of the rate limit: false when the rate is exceeded. */
  private synchronized boolean take(int k) {
    if (rate <= 0) {
      return true;
    }
    long now = System.nanoTime();
    tokens = Math.min(rate, tokens + rate * (now - lastRefill) / 1e9);
    lastRefill = now;
    if (tokens < k) {
      return false;
    }
    tokens -= k;
    return true;
  }

  private void slowDown(HttpExchange ex) throws IOException {
    slowDowns.incrementAndGet();
    reply(
        ex,
        503,
        "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
  }

  /** The request body, decoded from aws-chunked when the SDK streamed it with a trailer. */
  private static String body(HttpExchange ex) throws IOException {
    byte[] raw;
    try (InputStream in = ex.getRequestBody()) {
      raw = in.readAllBytes();
    }
    String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
    String sha = ex.getRequestHeaders().getFirst("x-amz-content-sha256");
    boolean chunked =
        (enc != null && enc.contains("aws-chunked"))
            || (sha != null && sha.startsWith("STREAMING"));
    if (!chunked) {
      return new String(raw, StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    int p = 0;
    while (p < raw.length) {
      int eol = indexOf(raw, p);
      if (eol < 0) {
        break;
      }
      String header = new String(raw, p, eol - p, StandardCharsets.US_ASCII);
      int semi = header.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? header : header.substring(0, semi)).trim(), 16);
      p = eol + 2;
      if (size == 0) {
        break;
      }
      out.write(raw, p, size);
      p += size + 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }

  private static void reply(HttpExchange ex, int code, String xml) throws IOException {
    byte[] b = xml.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/xml");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
