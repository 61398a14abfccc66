package io.tidbbackup.storage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP proxy on 127.0.0.1 in front of an S3 (or GCS JSON API) server that injects faults:
 * 503 SlowDown, dropped connections, DeleteObjects answered with per-key errors (nothing deleted),
 * or no DeleteObjects at all (501). Counts requests by kind. Only for loopback test servers.
 */
public final class FaultProxy implements AutoCloseable {
  private static final Set<String> RESTRICTED =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "transfer-encoding",
          "keep-alive");
  private static final Pattern KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);

  /** Every n-th request of a kind gets the fault; 0 = never. */
  public volatile int slowDownEvery;

  public volatile int dropEvery;
  public volatile int deleteObjectsErrorEvery;
  public volatile boolean noDeleteObjects;

  /**
   * Every n-th DeleteObjects is answered 200 with an error for a key it did not name, and nothing
   * deleted (a store answering in a form of its own).
   */
  public volatile int deleteObjectsForeignErrorEvery;

  /**
   * Added to every forwarded request: the round trip of a remote store (benchmarks), 0 for none.
   */
  public volatile long latencyMillis;

  /** GetBucketVersioning is refused with 403 AccessDenied (IAM without s3:GetBucketVersioning). */
  public volatile boolean denyVersioningProbe;

  /** ListObjectVersions is refused with 403 AccessDenied (IAM without s3:ListBucketVersions). */
  public volatile boolean denyVersionListing;

  /** Listing responses trickle in one byte every this many ms (a socket timeout never fires). */
  public volatile long trickleListMillisPerByte;

  /**
   * When set, every ListObjectsV2 is answered here, not forwarded: "truncated", no keys, and this
   * continuation token every time (a store that lies about its listing).
   */
  public volatile String repeatedListToken;

  /** Every ListObjectsV2 answered "truncated", no keys and no continuation token. */
  public volatile boolean truncatedWithoutToken;

  public final AtomicLong requests = new AtomicLong();
  public final AtomicLong listRequests = new AtomicLong();
  public final AtomicLong deleteObjectsRequests = new AtomicLong();
  public final AtomicLong deleteRequests = new AtomicLong();
  public final AtomicLong faults = new AtomicLong();

  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String target;

  public FaultProxy(String target) throws IOException {
    this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(256));
    server.createContext("/", this::handle);
    server.start();
  }

  public String uri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    long n = requests.incrementAndGet();
    try (ex) {
      String method = ex.getRequestMethod();
      String query = ex.getRequestURI().getRawQuery();
      boolean deleteObjects =
          method.equals("POST") && query != null && query.matches("(^|.*&)delete(=[^&]*)?(&.*|$)");
      String path = ex.getRequestURI().getPath();
      boolean bucketOnly = path.indexOf('/', 1) < 0 || path.indexOf('/', 1) == path.length() - 1;
      boolean gcsList = method.equals("GET") && path.matches("/storage/v1/b/[^/]+/o/?");
      boolean list =
          gcsList
              || method.equals("GET")
                  && bucketOnly
                  && query != null
                  && !query.contains("versioning");
      if (list) {
        listRequests.incrementAndGet();
      } else if (deleteObjects) {
        deleteObjectsRequests.incrementAndGet();
      } else if (method.equals("DELETE")) {
        deleteRequests.incrementAndGet();
      }
      byte[] body = readAll(ex.getRequestBody());
      boolean probe =
          method.equals("GET")
              && query != null
              && query.matches("(^|.*&)versioning(=[^&]*)?(&.*|$)");
      boolean versions =
          method.equals("GET") && query != null && query.matches("(^|.*&)versions(=[^&]*)?(&.*|$)");
      if ((probe && denyVersioningProbe) || (versions && denyVersionListing)) {
        faults.incrementAndGet();
        reply(ex, 403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
        return;
      }
      if (list && !gcsList && truncatedWithoutToken && query.matches("(^|.*&)list-type=2(&.*|$)")) {
        faults.incrementAndGet();
        reply(
            ex,
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><KeyCount>0</KeyCount>"
                + "<MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated></ListBucketResult>");
        return;
      }
      String token = repeatedListToken;
      if (list && !gcsList && token != null && query.matches("(^|.*&)list-type=2(&.*|$)")) {
        faults.incrementAndGet();
        reply(
            ex,
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><KeyCount>0</KeyCount>"
                + "<MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>"
                + token
                + "</NextContinuationToken></ListBucketResult>");
        return;
      }
      if (dropEvery > 0 && n % dropEvery == 0) {
        faults.incrementAndGet();
        return; // closes the connection without a response
      }
      if (slowDownEvery > 0 && n % slowDownEvery == 0) {
        faults.incrementAndGet();
        reply(
            ex,
            503,
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
        return;
      }
      if (deleteObjects && noDeleteObjects) {
        faults.incrementAndGet();
        reply(
            ex,
            501,
            "<Error><Code>NotImplemented</Code><Message>A header you provided implies functionality"
                + " that is not implemented</Message></Error>");
        return;
      }
      if (deleteObjects
          && deleteObjectsErrorEvery > 0
          && deleteObjectsRequests.get() % deleteObjectsErrorEvery == 0) {
        faults.incrementAndGet();
        StringBuilder xml =
            new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult>");
        Matcher m = KEY.matcher(new String(body, StandardCharsets.UTF_8));
        while (m.find()) {
          xml.append("<Error><Key>")
              .append(m.group(1))
              .append("</Key><Code>InternalError</Code>")
              .append(
                  "<Message>We encountered an internal error. Please try again.</Message></Error>");
        }
        reply(ex, 200, xml.append("</DeleteResult>").toString());
        return;
      }
      if (deleteObjects
          && deleteObjectsForeignErrorEvery > 0
          && deleteObjectsRequests.get() % deleteObjectsForeignErrorEvery == 0) {
        faults.incrementAndGet();
        reply(
            ex,
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult><Error>"
                + "<Key>a/key/nobody/asked/for</Key><Code>InternalError</Code>"
                + "<Message>We encountered an internal error.</Message></Error></DeleteResult>");
        return;
      }
      if (latencyMillis > 0) {
        Thread.sleep(latencyMillis);
      }
      forward(ex, method, body, list ? trickleListMillisPerByte : 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(HttpExchange ex, String method, byte[] body, long trickle)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(target + ex.getRequestURI().toString()))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    ex.getRequestHeaders()
        .forEach(
            (k, vs) -> {
              if (!RESTRICTED.contains(k.toLowerCase())) {
                vs.forEach(v -> b.header(k, v));
              }
            });
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    r.headers()
        .map()
        .forEach(
            (k, vs) -> {
              if (!RESTRICTED.contains(k.toLowerCase()) && !k.startsWith(":")) {
                ex.getResponseHeaders().put(k, new ArrayList<>(vs));
              }
            });
    byte[] out = r.body();
    ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
    if (out.length > 0 && trickle > 0) {
      for (byte x : out) {
        ex.getResponseBody().write(x);
        ex.getResponseBody().flush();
        Thread.sleep(trickle);
      }
    } else if (out.length > 0) {
      ex.getResponseBody().write(out);
    }
  }

  private static void reply(HttpExchange ex, int status, String xml) throws IOException {
    byte[] b = xml.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/xml");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  public List<String> summary() {
    return List.of(
        "requests=" + requests,
        "list=" + listRequests,
        "deleteObjects=" + deleteObjectsRequests,
        "delete=" + deleteRequests,
        "faults=" + faults);
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
