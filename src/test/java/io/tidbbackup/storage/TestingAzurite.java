package io.tidbbackup.storage;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts Azurite (npm {@value #PACKAGE}) on a free loopback port for a test class. It is installed
 * into {@code .cache/npm} on first use. When it cannot be installed or started the test fails with
 * the reason: a storage test never skips.
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
      TestServers.run(
          List.of(
              "npm", "install", "--no-audit", "--no-fund", "--prefix", PREFIX.toString(), PACKAGE),
          300);
    }
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "Azurite is not installed at " + bin + " (npm install " + PACKAGE + " failed)");
    }
    int port = TestServers.freePort();
    Path data = Files.createTempDirectory("azurite");
    Process p =
        TestServers.startListening(
            "Azurite",
            List.of(
                bin.toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                String.valueOf(port),
                "-l",
                data.toString(),
                "--silent",
                "--skipApiVersionCheck"),
            port,
            data.resolve("azurite.log"),
            60);
    return new TestingAzurite(p, port, data);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  public String connectionString() {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + KEY
        + ";BlobEndpoint="
        + endpoint()
        + ";";
  }

  @Override
  public void close() throws Exception {
    TestServers.stop(process);
    try (var files = Files.walk(data)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
