package io.tidbbackup.bench;

import io.tidbbackup.api.CleanOption;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageType;
import io.tidbbackup.storage.BackupLayout;
import io.tidbbackup.storage.CleanEngine;
import io.tidbbackup.storage.CleanSettings;
import io.tidbbackup.storage.FaultProxy;
import io.tidbbackup.storage.S3Store;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.storage.StoreOptions;
import io.tidbbackup.storage.TestingS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Cleaner benchmark, apart from the tests: fills a local s3proxy (filesystem store) with N objects
 * in BR's layout, then in one run times and counts the requests of our batch mode, our per-object
 * mode and {@code rclone delete} (when rclone is installed) on the same data, and prints ratios.
 * Every request goes through a counting proxy on loopback. Run: {@code mvn -Pbench -DskipTests
 * verify [-Dbench.objects=100000]}.
 */
public final class CleanerBenchmark {
  static final String BUCKET = "bench";

  /**
   * The server: s3proxy's {@code filesystem} store (default; each delete is a file unlink, so the
   * server's disk work dominates) or {@code transient} store (in memory; request overhead
   * dominates), or {@code synthetic}: {@link SyntheticS3}, whose requests cost next to nothing, so
   * what is timed is the client side alone (ours against the raw SDK floor without s3proxy's noise
   * in the same JVM).
   */
  static final String STORE = System.getProperty("bench.store", "filesystem");

  /**
   * Added to every request by the counting proxy: a remote store's round trip
   * (-Dbench.latencyMs=20).
   */
  static final long LATENCY_MS = Long.getLong("bench.latencyMs", 0);

  record Result(String mode, long objects, double seconds, long list, long delete, String note) {}

  /** The run of median time; every round's time in its note. */
  static Result median(List<Result> runs) {
    List<Result> sorted =
        runs.stream().sorted(java.util.Comparator.comparingDouble(Result::seconds)).toList();
    Result m = sorted.get(sorted.size() / 2);
    if (runs.size() == 1) {
      return m;
    }
    String each =
        runs.stream()
            .map(r -> String.format(Locale.ROOT, "%.2f", r.seconds()))
            .collect(java.util.stream.Collectors.joining(", "));
    return new Result(
        m.mode(),
        m.objects(),
        m.seconds(),
        m.list(),
        m.delete(),
        m.note() + "; median of " + each + " s");
  }

  static final boolean SYNTHETIC = STORE.equals("synthetic");

  /**
   * How many times the floors and the batch mode are timed, interleaved (floor, ours, bare floor,
   * again): each is reported at its median, so that no mode owes its figure to its place in the
   * run. 3 on the synthetic store (seconds each), else 1 (each round refills s3proxy).
   */
  static final int ROUNDS = Integer.getInteger("bench.rounds", SYNTHETIC ? 3 : 1);

  /** Where a mode's N objects are: s3proxy (filled before) or a synthetic endpoint of its own. */
  interface Backend extends AutoCloseable {
    String uri();

    @Override
    void close();
  }

  /** N objects under {@code prefix}, ready to clean. */
  static Backend backend(S3Client admin, S3ProxyExtension s3proxy, String prefix, int n)
      throws Exception {
    if (SYNTHETIC) {
      SyntheticS3 s = new SyntheticS3(BUCKET, prefix, n, 0);
      return new Backend() {
        public String uri() {
          return s.uri();
        }

        public void close() {
          if (s.remaining() != 0 || s.strayDeletes.get() != 0) {
            throw new IllegalStateException(
                prefix + ": " + s.remaining() + " left, " + s.strayDeletes.get() + " stray");
          }
          s.close();
        }
      };
    }
    fill(admin, prefix, n);
    return new Backend() {
      public String uri() {
        return s3proxy.getUri().toString();
      }

      public void close() {}
    };
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.getInteger("bench.objects", 100_000);
    S3ProxyExtension s3proxy =
        S3ProxyExtension.builder()
            .withCredentials(AuthenticationType.NONE, "access", "secret")
            .withBlobStoreProvider(SYNTHETIC ? "transient" : STORE)
            .build();
    s3proxy.beforeEach(null);
    List<Result> results = new ArrayList<>();
    try (S3Client admin = TestingS3.client(s3proxy.getUri().toString())) {
      admin.createBucket(b -> b.bucket(BUCKET));
      // warm-up, not reported: the JIT and the SDK's first requests would otherwise count against
      // whichever mode runs first
      ours("warm-up", admin, s3proxy, Math.min(n, 5000), false);
      rawFloor(admin, s3proxy, Math.min(n, 5000), true);
      rawFloor(admin, s3proxy, Math.min(n, 5000), false);
      // the per-object run (a thousand times the requests) warms the SDK's code further: batch and
      // the floors run after it, interleaved for ROUNDS rounds (ours between the two floors), so
      // that none is timed colder
      Result perObject = ours("per-object (routineConcurrency 100)", admin, s3proxy, n, true);
      Result rclone = rclone(admin, s3proxy, n);
      List<Result> floors = new ArrayList<>();
      List<Result> batches = new ArrayList<>();
      List<Result> bares = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        floors.add(rawFloor(admin, s3proxy, n, true));
        batches.add(ours("batch (DeleteObjects, batchConcurrency 10)", admin, s3proxy, n, false));
        bares.add(rawFloor(admin, s3proxy, n, false));
      }
      results.add(median(batches));
      results.add(perObject);
      results.add(rclone);
      results.add(median(floors));
      results.add(median(bares));
    } finally {
      s3proxy.afterEach(null);
    }
    print(n, results);
    summary(n, results);
  }

  /**
   * The floor: a minimal loop (list 1000 keys, one DeleteObjects per page, 10 in flight while the
   * next page is listed, then one verifying list), no engine, no guard, no retries. What the
   * cleaner costs on top of the SDK is ours over this.
   *
   * @param cleanersClient the very SDK client the cleaner uses ({@link S3Store#client}: its
   *     connection pool and its timeouts of each attempt and call), as the floor is defined; else a
   *     bare client with the SDK's defaults and no call timeouts, to show what those timeouts cost
   */
  static Result rawFloor(S3Client admin, S3ProxyExtension s3proxy, int n, boolean cleanersClient)
      throws Exception {
    String prefix = "br/raw-" + n + (cleanersClient ? "-same" : "-bare");
    try (Backend backend = backend(admin, s3proxy, prefix, n);
        FaultProxy counter = new FaultProxy(backend.uri());
        S3Client client =
            cleanersClient
                ? S3Store.client(provider(counter.uri()), storeOptions())
                : S3Client.builder()
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                    .endpointOverride(java.net.URI.create(counter.uri()))
                    .forcePathStyle(true)
                    .httpClientBuilder(
                        software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()
                            .maxConnections(128))
                    .credentialsProvider(
                        software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                "a", "b")))
                    .build()) {
      counter.latencyMillis = LATENCY_MS;
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(10);
      long t = System.nanoTime();
      long deleted = 0;
      try {
        List<java.util.concurrent.Future<Integer>> inFlight = new ArrayList<>();
        String token = null;
        do {
          String tok = token;
          var page =
              client.listObjectsV2(
                  b ->
                      b.bucket(BUCKET)
                          .prefix(prefix + "/")
                          .maxKeys(1000)
                          .continuationToken(tok)
                          // the cleaner's listing: keys URL-encoded (a key with a control
                          // character breaks XML 1.0), which the SDK decodes
                          .encodingType(software.amazon.awssdk.services.s3.model.EncodingType.URL));
          List<software.amazon.awssdk.services.s3.model.ObjectIdentifier> ids =
              page.contents().stream()
                  .map(
                      o ->
                          software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder()
                              .key(o.key())
                              .build())
                  .toList();
          if (!ids.isEmpty()) {
            inFlight.add(
                pool.submit(
                    () ->
                        client
                                .deleteObjects(
                                    b -> b.bucket(BUCKET).delete(d -> d.objects(ids).quiet(true)))
                                .errors()
                                .isEmpty()
                            ? ids.size()
                            : 0));
          }
          token = page.nextContinuationToken();
        } while (token != null);
        for (var f : inFlight) {
          deleted += f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      long left = client.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).keyCount();
      double secs = (System.nanoTime() - t) / 1e9;
      return new Result(
          cleanersClient
              ? "raw SDK floor, the cleaner's client (10 in flight)"
              : "raw SDK floor, bare client, no call timeouts",
          deleted,
          secs,
          counter.listRequests.get(),
          counter.deleteObjectsRequests.get() + counter.deleteRequests.get(),
          left == 0 ? "empty" : left + " left");
    }
  }

  /**
   * target/bench-summary.json: the ratios of this run, for comparing runs (throughputs: ours over
   * the floor, ours over rclone).
   */
  static void summary(int n, List<Result> results) throws Exception {
    Result batch = results.get(0);
    Result rclone = results.get(2);
    Result floor = results.get(3);
    Result bare = results.get(4);
    Map<String, Object> cleaner = new java.util.LinkedHashMap<>();
    cleaner.put("objects", n);
    cleaner.put("latency_ms", LATENCY_MS);
    cleaner.put("objects_per_s", Math.round(batch.objects() / batch.seconds()));
    cleaner.put("vs_raw_floor", round(floor.seconds() / batch.seconds()));
    cleaner.put("requests", batch.list() + batch.delete());
    cleaner.put("raw_floor_requests", floor.list() + floor.delete());
    cleaner.put("vs_bare_sdk_floor", round(bare.seconds() / batch.seconds()));
    if (rclone.seconds() > 0) {
      cleaner.put("vs_rclone", round(rclone.seconds() / batch.seconds()));
    }
    Path out = Path.of("target", "bench-summary.json");
    Map<String, Object> all = new java.util.LinkedHashMap<>();
    if (Files.exists(out)) {
      all.putAll(
          io.tidbbackup.api.Serde.JSON.readValue(
              out.toFile(),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
    }
    all.put("cleaner", cleaner);
    Files.createDirectories(out.getParent());
    Files.writeString(
        out, io.tidbbackup.api.Serde.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    System.out.println("wrote " + out + ": " + io.tidbbackup.api.Serde.json(cleaner));
  }

  static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }

  static void fill(S3Client admin, String prefix, int n) throws Exception {
    long t = System.nanoTime();
    TestingS3.put(admin, BUCKET, BackupLayout.snapshotKeys(prefix, n));
    System.err.printf(
        Locale.ROOT,
        "filled %d objects under %s in %.1f s%n",
        n,
        prefix,
        (System.nanoTime() - t) / 1e9);
  }

  static Result ours(
      String mode, S3Client admin, S3ProxyExtension s3proxy, int n, boolean perObject)
      throws Exception {
    String prefix = "br/" + (perObject ? "per-object" : "batch") + "-" + n + "-" + mode.hashCode();
    try (Backend backend = backend(admin, s3proxy, prefix, n);
        FaultProxy counter = new FaultProxy(backend.uri())) {
      counter.latencyMillis = LATENCY_MS;
      S3StorageProvider p = provider(counter.uri());
      CleanOption o = new CleanOption();
      o.disableBatchConcurrency = perObject;
      CleanSettings s = CleanSettings.of(o);
      CleanReport r;
      try (S3Store store = S3Store.open(p, storeOptions())) {
        r =
            new CleanEngine()
                .clean(store, new StorageLocation(StorageType.S3, BUCKET, prefix), s, false);
      }
      if (!r.verified() || r.deleted() != n) {
        throw new IllegalStateException(mode + " did not clean: " + r);
      }
      return new Result(
          mode,
          r.deleted(),
          r.seconds(),
          counter.listRequests.get(),
          counter.deleteObjectsRequests.get() + counter.deleteRequests.get(),
          "verified empty");
    }
  }

  static S3StorageProvider provider(String endpoint) {
    S3StorageProvider p = new S3StorageProvider();
    p.provider = "ceph";
    p.bucket = BUCKET;
    p.endpoint = endpoint;
    return p;
  }

  /** The agent's store options: the Job's static keys, 128 connections. */
  static StoreOptions storeOptions() {
    return new StoreOptions(Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"), 128);
  }

  static Result rclone(S3Client admin, S3ProxyExtension s3proxy, int n) throws Exception {
    if (!onPath("rclone")) {
      return new Result(
          "rclone delete", 0, 0, 0, 0, "rclone is not installed (apt-get install rclone): skipped");
    }
    String prefix = "br/rclone";
    try (Backend backend = backend(admin, s3proxy, prefix, n);
        FaultProxy counter = new FaultProxy(backend.uri())) {
      counter.latencyMillis = LATENCY_MS;
      Path conf = Files.createTempFile("rclone", ".conf");
      Files.writeString(
          conf,
          "[bench]\ntype = s3\nprovider = Other\naccess_key_id = a\nsecret_access_key = b\n"
              + "endpoint = "
              + counter.uri()
              + "\nforce_path_style = true\n");
      ProcessBuilder pb =
          new ProcessBuilder(
                  "rclone", "--config", conf.toString(), "delete", "bench:" + BUCKET + "/" + prefix)
              .redirectErrorStream(true)
              .inheritIO();
      pb.environment().remove("AWS_CA_BUNDLE");
      long t = System.nanoTime();
      Process proc = pb.start();
      if (!proc.waitFor(30, TimeUnit.MINUTES) || proc.exitValue() != 0) {
        throw new IllegalStateException("rclone delete failed");
      }
      double secs = (System.nanoTime() - t) / 1e9;
      long left =
          SYNTHETIC
              ? 0
              : admin.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix + "/")).keyCount();
      return new Result(
          "rclone delete (default flags)",
          n,
          secs,
          counter.listRequests.get(),
          counter.deleteObjectsRequests.get() + counter.deleteRequests.get(),
          left == 0 ? "empty" : left + " left");
    }
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static void print(int n, List<Result> results) {
    System.out.printf(
        Locale.ROOT,
        "%nCleaner benchmark: %d objects per mode, s3proxy %s store, loopback, %d ms added per request%n",
        n,
        STORE,
        LATENCY_MS);
    System.out.printf(
        Locale.ROOT,
        "%-46s %9s %10s %8s %9s %14s  %s%n",
        "mode",
        "seconds",
        "objects/s",
        "lists",
        "deletes",
        "req/1000 obj",
        "note");
    for (Result r : results) {
      double rate = r.seconds() > 0 ? r.objects() / r.seconds() : 0;
      double per1000 = r.objects() > 0 ? (r.list() + r.delete()) * 1000.0 / r.objects() : 0;
      System.out.printf(
          Locale.ROOT,
          "%-46s %9.2f %10.0f %8d %9d %14.2f  %s%n",
          r.mode(),
          r.seconds(),
          rate,
          r.list(),
          r.delete(),
          per1000,
          r.note());
    }
    Result batch = results.get(0);
    System.out.printf(
        Locale.ROOT,
        "expected for batch: %d DeleteObjects (ceil(N/1000)), about %d list requests "
            + "(ceil(N/1000) pages of 1000 keys) + 1 verification%n",
        (n + 999) / 1000,
        (n + 999) / 1000);
    Result floor = results.get(3);
    System.out.printf(
        Locale.ROOT,
        "ours (batch) runs at %.2fx the raw SDK floor's throughput (the cleaner's client), with %d"
            + " requests to its %d; at %.2fx a bare client's without call timeouts%n",
        floor.seconds() / batch.seconds(),
        batch.list() + batch.delete(),
        floor.list() + floor.delete(),
        results.get(4).seconds() / batch.seconds());
    for (Result r : results.subList(1, 3)) {
      if (r.seconds() > 0) {
        System.out.printf(
            Locale.ROOT,
            "batch is %.1fx faster than %s, with %.0fx fewer requests%n",
            r.seconds() / batch.seconds(),
            r.mode(),
            (double) (r.list() + r.delete()) / (batch.list() + batch.delete()));
      }
    }
  }
}
