package io.tidbbackup.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tidbbackup.agent.CleanAgent;
import io.tidbbackup.api.CleanReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;

/**
 * {@code agent warm-up}: the class-data sharing training run of the image build (Dockerfile). It
 * walks the paths every Job's agent and the operator's start walk, on nothing outside this process:
 * it reads a sample Backup manifest, renders its Job, and cleans it (one object, then the verifying
 * listing) on an S3 endpoint it serves itself on loopback. Run under {@code
 * -XX:ArchiveClassesAtExit}, the JVM records every class loaded on the way into an archive that
 * each later start maps instead of loading and verifying those classes again.
 */
@Command(
    name = "warm-up",
    hidden = true,
    description = "Image build only: record the classes an agent loads (class-data sharing).")
public final class AgentWarmUp implements Callable<Integer> {

  static final String BUCKET = "warm-up";
  static final String KEY = "backup/backupmeta";

  static final String MANIFEST =
      """
      apiVersion: pingcap.com/v1alpha1
      kind: Backup
      metadata:
        name: warm-up
        namespace: warm-up
      spec:
        br:
          cluster: basic
          clusterNamespace: warm-up
        cleanPolicy: Delete
        s3:
          provider: ceph
          endpoint: %s
          bucket: %s
          prefix: backup
          secretName: s3-secret
      status:
        backupPath: s3://%s/backup
      """;

  @Override
  public Integer call() throws Exception {
    AtomicBoolean deleted = new AtomicBoolean();
    AtomicInteger requests = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          answer(ex, deleted);
        });
    server.start();
    Path dir = Files.createTempDirectory("warm-up");
    try {
      Path file = dir.resolve("backup.yaml");
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
      Files.writeString(file, MANIFEST.formatted(endpoint, BUCKET, BUCKET));
      AgentCommand.Clean.Target t = AgentCommand.Clean.readBackup(file);
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      PrintStream out = System.out;
      System.setOut(quiet);
      try {
        new picocli.CommandLine(new RenderCommand()).execute("-f", file.toString());
        new picocli.CommandLine(new RenderCommand()).execute("--command", "-f", file.toString());
      } finally {
        System.setOut(out);
      }
      Map<String, String> env =
          Map.of("AWS_ACCESS_KEY_ID", "warm-up", "AWS_SECRET_ACCESS_KEY", "warm-up");
      CleanReport r = new CleanAgent(env, quiet, quiet).clean(t.spec(), t.backupPath(), false);
      System.err.println(
          "agent warm-up: cleaned a sample backup on a loopback endpoint in "
              + requests.get()
              + " requests"
              + (r.error() == null ? "" : " (" + r.error() + ")"));
      return r.error() == null && deleted.get() ? 0 : 1;
    } finally {
      server.stop(0);
      Files.deleteIfExists(dir.resolve("backup.yaml"));
      Files.deleteIfExists(dir);
    }
  }

  /** ListObjectsV2 (one key until it is deleted), GetBucketVersioning, DeleteObjects. */
  private static void answer(HttpExchange ex, AtomicBoolean deleted) throws IOException {
    try (ex) {
      String query =
          ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
      ex.getRequestBody().readAllBytes();
      String xmlns = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
      String body;
      if (query.contains("versioning")) {
        body = "<VersioningConfiguration" + xmlns + "/>";
      } else if (query.contains("delete")) {
        deleted.set(true);
        body =
            "<DeleteResult" + xmlns + "><Deleted><Key>" + KEY + "</Key></Deleted></DeleteResult>";
      } else if (query.contains("list-type=2")) {
        String contents =
            deleted.get()
                ? ""
                : "<Contents><Key>"
                    + KEY
                    + "</Key><LastModified>2026-12-01T00:00:00.000Z</LastModified>"
                    + "<ETag>\"0\"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>";
        body =
            "<ListBucketResult"
                + xmlns
                + "><Name>"
                + BUCKET
                + "</Name><Prefix>backup/</Prefix><KeyCount>"
                + (deleted.get() ? 0 : 1)
                + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
                + contents
                + "</ListBucketResult>";
      } else {
        body = "<Error><Code>NotImplemented</Code><Message>warm-up</Message></Error>";
        send(ex, 501, body);
        return;
      }
      send(ex, 200, body);
    }
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/xml");
    ex.sendResponseHeaders(code, bytes.length);
    ex.getResponseBody().write(bytes);
  }
}
