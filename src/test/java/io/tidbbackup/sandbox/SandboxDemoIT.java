package io.tidbbackup.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, in-JVM: the real operator on the real control plane walks a Backup
 * and a Restore to Complete, a real clean Job empties the prefix in s3proxy, and the sentinels
 * beside it survive.
 */
class SandboxDemoIT {

  @Test
  void theDemoWalksBackupRestoreDeleteAndCleanAndEveryStepPasses() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    boolean ok;
    try (Sandbox sb = Sandbox.start(500, out)) {
      ok = new SandboxDemo(sb, out).run();
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(text).isTrue();
    assertThat(text)
        .contains("sandbox demo: 5 passed, 0 failed")
        .contains("500 objects under s3://sandbox/demo/backup-1/")
        .contains("0 objects left under s3://sandbox/demo/backup-1/")
        .contains("tidb_backup_clean_objects_deleted_total{provider=\"s3\"} 500.0");
  }
}
