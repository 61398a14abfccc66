package io.tidbbackup.storage;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts moto's S3 server (PyPI {@value #PACKAGE}), which keeps object versions and delete markers
 * as S3 does, on a free loopback port. It is installed into a virtualenv under {@code .cache/moto}
 * on first use. When it cannot be installed or started the test fails with the reason: a storage
 * test never skips.
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
      TestServers.run(List.of("python3", "-m", "venv", VENV.toString()), 120);
      TestServers.run(
          List.of(
              VENV.resolve("bin/pip").toString(),
              "install",
              "--quiet",
              "--disable-pip-version-check",
              PACKAGE),
          600);
    }
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "moto is not installed at " + bin + " (pip install " + PACKAGE + " failed)");
    }
    int port = TestServers.freePort();
    Process p =
        TestServers.startListening(
            "moto_server",
            List.of(bin.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port)),
            port,
            Files.createTempFile("moto", ".log"),
            60);
    return new TestingMoto(p, port);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** A client for setting up and checking buckets (moto takes any credentials). */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
        .build();
  }

  @Override
  public void close() throws Exception {
    TestServers.stop(process);
  }
}
