package io.tidbbackup.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, in-JVM: the real operator on the sandbox's API server walks a Backup and a Restore
 * to Complete, a real clean Job empties the prefix in s3proxy, and the sentinels beside it survive.
 */
class SandboxDemoTest {

  @Test
  void theDemoWalksBackupRestoreDeleteAndCleanAndEveryStepPasses() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    boolean ok;
    try (Sandbox sb = Sandbox.start(0, 500, out)) {
      ok = new SandboxDemo(sb, out).run();
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(text).isTrue();
    assertThat(text).contains("sandbox demo: 5 passed, 0 failed")
        .contains("500 objects under s3://sandbox/demo/backup-1/")
        .contains("0 objects left under s3://sandbox/demo/backup-1/")
        .contains("tidb_backup_clean_objects_deleted_total{provider=\"s3\"} 500.0");
  }

  /** What kubectl asks before it acts: the discovery answers, with our kinds and short names. */
  @Test
  void theApiServerAnswersKubectlsDiscovery() throws Exception {
    try (SandboxCluster c = SandboxCluster.start(0, java.nio.file.Path.of("crds"))) {
      HttpClient http = HttpClient.newHttpClient();
      String group = http.send(HttpRequest.newBuilder(URI.create(c.url() + "/apis/pingcap.com/v1alpha1?timeout=32s"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(group).contains("\"name\":\"backups\"", "\"shortNames\":[\"bk\"]", "\"name\":\"restores\"",
          "\"shortNames\":[\"rt\"]");
      String groups = http.send(HttpRequest.newBuilder(URI.create(c.url() + "/apis")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(groups).contains("\"groupVersion\":\"pingcap.com/v1alpha1\"", "\"groupVersion\":\"batch/v1\"");
      String version = http.send(HttpRequest.newBuilder(URI.create(c.url() + "/version?timeout=32s")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(version).contains("\"major\":\"1\"");
      var kubeconfig = c.writeKubeconfig(java.nio.file.Files.createTempDirectory("sbx").resolve("kubeconfig"));
      assertThat(java.nio.file.Files.readString(kubeconfig)).contains("server: " + c.url());
    }
  }
}
