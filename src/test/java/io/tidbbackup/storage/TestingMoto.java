package io.tidbbackup.storage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts moto's S3 server (PyPI {@value #PACKAGE}), which keeps object versions and delete markers as S3 does, on a
 * free loopback port. It is installed into a virtualenv under {@code .cache/moto} on first use. When it cannot be
 * installed or started the test fails with the reason: a storage test never skips.
 */
public final class TestingMoto implements AutoCloseable {
  public static final String PACKAGE = "moto[server]==5.2.5";
  static final Path VENV = Path.of(".cache/moto").toAbsolutePath();

  private final Process process;
  private final int port;

  private TestingMoto(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static synchronized TestingMoto start() throws Exception {
    Path bin = VENV.resolve("bin/moto_server");
    if (!Files.isExecutable(bin)) {
      Files.createDirectories(VENV.getParent());
      TestingAzurite.run(List.of("python3", "-m", "venv", VENV.toString()), 120);
      TestingAzurite.run(List.of(VENV.resolve("bin/pip").toString(), "install", "--quiet", "--disable-pip-version-check",
          PACKAGE), 600);
    }
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException("moto is not installed at " + bin + " (pip install " + PACKAGE + " failed)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("moto", ".log");
    Process p = new ProcessBuilder(bin.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("moto_server exited: " + Files.readString(log));
      }
      try (Socket ignored = new Socket()) {
        ignored.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new TestingMoto(p, port);
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("moto_server did not listen on 127.0.0.1:" + port + " within 60 s");
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** A client for setting up and checking buckets (moto takes any credentials). */
  public S3Client client() {
    return S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
