package io.tidbbackup.storage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts fake-gcs-server (the maintained GCS JSON API emulator, built from its Go module by {@code
 * controlplane/build.sh emulators} on first use) on a free loopback port, in memory. When it cannot
 * be built or started the test fails with the reason: a storage test never skips.
 */
public final class TestingGcs implements AutoCloseable {
  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestingGcs(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static synchronized TestingGcs start() throws Exception {
    Path script = Path.of("controlplane", "build.sh").toAbsolutePath();
    Process build =
        new ProcessBuilder("bash", script.toString(), "emulators")
            .redirectErrorStream(true)
            .start();
    String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (build.waitFor() != 0) {
      throw new IllegalStateException("controlplane/build.sh emulators failed:\n" + out);
    }
    Process where =
        new ProcessBuilder("bash", script.toString(), "--print-fake-gcs-server").start();
    Path bin =
        Path.of(new String(where.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    where.waitFor();
    int port = TestServers.freePort();
    Process p =
        TestServers.startListening(
            "fake-gcs-server",
            List.of(
                bin.toString(),
                "-scheme",
                "http",
                "-host",
                "127.0.0.1",
                "-port",
                String.valueOf(port),
                "-backend",
                "memory",
                "-public-host",
                "127.0.0.1:" + port,
                "-log-level",
                "warn"),
            port,
            Files.createTempFile("fake-gcs-server", ".log"),
            30);
    return new TestingGcs(p, port);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public void createBucket(String bucket) throws Exception {
    createBucket(bucket, false);
  }

  /** A bucket, with object versioning when {@code versioned} (overwrites keep old generations). */
  public void createBucket(String bucket, boolean versioned) throws Exception {
    send(
        HttpRequest.newBuilder(URI.create(endpoint() + "/storage/v1/b?project=test"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\""
                        + bucket
                        + "\""
                        + (versioned ? ",\"versioning\":{\"enabled\":true}" : "")
                        + "}"))
            .build(),
        200);
  }

  /** Every generation in the bucket, noncurrent ones included, as {@code name#generation}. */
  public List<String> generations(String bucket) throws Exception {
    var node =
        io.tidbbackup.api.Serde.JSON.readTree(
            send(
                HttpRequest.newBuilder(
                        URI.create(
                            endpoint()
                                + "/storage/v1/b/"
                                + bucket
                                + "/o?versions=true&maxResults=10000"))
                    .GET()
                    .build(),
                200));
    List<String> out = new ArrayList<>();
    node.path("items")
        .forEach(i -> out.add(i.path("name").asText() + "#" + i.path("generation").asText()));
    return out;
  }

  /** Deletes the live generation of {@code name} (on a versioned bucket it becomes noncurrent). */
  public void deleteLive(String bucket, String name) throws Exception {
    send(
        HttpRequest.newBuilder(
                URI.create(
                    endpoint()
                        + "/storage/v1/b/"
                        + bucket
                        + "/o/"
                        + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)
                            .replace("+", "%20")))
            .DELETE()
            .build(),
        200); // the emulator answers 200 (GCS itself, 204)
  }

  /** Uploads each name (a few bytes each) on 8 threads. */
  public void put(String bucket, List<String> names) throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
      for (String n : names) {
        fs.add(
            pool.submit(
                () -> {
                  send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  endpoint()
                                      + "/upload/storage/v1/b/"
                                      + bucket
                                      + "/o?uploadType=media&name="
                                      + java.net.URLEncoder.encode(n, StandardCharsets.UTF_8)))
                          .POST(HttpRequest.BodyPublishers.ofString("x"))
                          .build(),
                      200);
                  return null;
                }));
      }
      for (var f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every object name in the bucket (paged by the emulator itself). */
  public List<String> names(String bucket) throws Exception {
    List<String> out = new ArrayList<>();
    String token = null;
    do {
      String url =
          endpoint()
              + "/storage/v1/b/"
              + bucket
              + "/o?maxResults=1000&fields=items(name),nextPageToken"
              + (token == null
                  ? ""
                  : "&pageToken=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8));
      var node =
          io.tidbbackup.api.Serde.JSON.readTree(
              send(HttpRequest.newBuilder(URI.create(url)).GET().build(), 200));
      node.path("items").forEach(i -> out.add(i.path("name").asText()));
      token = node.hasNonNull("nextPageToken") ? node.path("nextPageToken").asText() : null;
    } while (token != null);
    return out;
  }

  private String send(HttpRequest r, int expect) throws Exception {
    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != expect) {
      throw new IllegalStateException(
          r.method() + " " + r.uri() + " -> " + resp.statusCode() + ": " + resp.body());
    }
    return resp.body();
  }

  @Override
  public void close() throws Exception {
    TestServers.stop(process);
  }
}
