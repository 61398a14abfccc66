package io.tidbbackup.storage;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts Azurite (npm {@value #PACKAGE}) on a free loopback port for a test class. It is installed into
 * {@code .cache/npm} on first use. When it cannot be installed or started the test fails with the reason:
 * a storage test never skips.
 */
public final class TestingAzurite implements AutoCloseable {
  public static final String PACKAGE = "azurite@3.37.0";
  public static final String ACCOUNT = "devstoreaccount1";
  /** Azurite's published development key (not a secret). */
  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  static final Path PREFIX = Path.of(".cache/npm").toAbsolutePath();

  private final Process process;
  private final int port;
  private final Path data;

  private TestingAzurite(Process process, int port, Path data) {
    this.process = process;
    this.port = port;
    this.data = data;
  }

  public static synchronized TestingAzurite start() throws Exception {
    Path bin = PREFIX.resolve("node_modules/.bin/azurite-blob");
    if (!Files.isExecutable(bin)) {
      Files.createDirectories(PREFIX);
      run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", PREFIX.toString(), PACKAGE), 300);
    }
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException("Azurite is not installed at " + bin + " (npm install " + PACKAGE + " failed)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path data = Files.createTempDirectory("azurite");
    Process p = new ProcessBuilder(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort", String.valueOf(port),
        "-l", data.toString(), "--silent", "--skipApiVersionCheck")
        .redirectErrorStream(true).redirectOutput(data.resolve("azurite.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("Azurite exited: " + Files.readString(data.resolve("azurite.log")));
      }
      try (Socket ignored = new Socket()) {
        ignored.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new TestingAzurite(p, port, data);
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("Azurite did not listen on 127.0.0.1:" + port + " within 60 s");
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  public String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
        + endpoint() + ";";
  }

  static void run(List<String> cmd, int seconds) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " timed out");
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try (var files = Files.walk(data)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
