package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolOutputTest {
  @Test
  void readsTheProductionSummaryShape() {
    ToolOutput o = new ToolOutput();
    o.accept(
        "[\"Full Backup success summary\"] [total-ranges=185] [ranges-succeed=185] [ranges-failed=0] "
            + "[backup-checksum=6.683138ms] [backup-total-ranges=8] [backup-total-regions=145] "
            + "[total-take=11.538275092s] [BackupTS=422618409346269185] [total-kv=64047469] [total-kv-size=10.68GB] "
            + "[average-speed=925.9MB/s] [backup-data-size(after-compressed)=3.76GB] [Size=3759864831]");
    assertThat(o.backupTs()).isEqualTo("422618409346269185");
    assertThat(o.size()).isEqualTo(3759864831L);
    assertThat(o.summarySeen()).isTrue();
  }

  @Test
  void readsTheOldMultiLineSummary() {
    ToolOutput o = new ToolOutput();
    o.accept(
        "[\"Full backup Success summary: total backup ranges: 2, total success: 2, total failed: 0, "
            + "total take(Full backup time): 1.2s, total size(MB): 5997.49\"]");
    o.accept(
        "[\"backup checksum\"=1.2s] [\"backup total regions\"=43] [BackupTS=422618409346269185] [Size=5997490000]");
    assertThat(o.backupTs()).isEqualTo("422618409346269185");
    assertThat(o.size()).isEqualTo(5997490000L);
  }

  @Test
  void keepsTheLastErrorLinesOrTheTail() {
    ToolOutput o = new ToolOutput();
    for (int i = 0; i < 10; i++) {
      o.accept("[ERROR] line " + i);
    }
    String[] lines = o.errorText().split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[4]).isEqualTo("[ERROR] line 9");
    ToolOutput quiet = new ToolOutput();
    quiet.accept("panic: runtime error");
    assertThat(quiet.errorText()).isEqualTo("panic: runtime error");
  }

  @Test
  void redactsKnownSecretsAndSecretShapedValues() {
    Redactor r = new Redactor(List.of("hunter22"));
    assertThat(r.redact("pwd hunter22 here")).isEqualTo("pwd ****** here");
    assertThat(r.redact("azure://c/p?account-name=a&sas-token=sv%3D1&sig=abc"))
        .doesNotContain("sv%3D1", "abc");
    assertThat(r.redact("--password=topsecret --user=root"))
        .isEqualTo("--password=****** --user=root");
    assertThat(r.redact("AccountKey=Eby8vdM02x==;BlobEndpoint")).doesNotContain("Eby8vdM02x");
  }
}
