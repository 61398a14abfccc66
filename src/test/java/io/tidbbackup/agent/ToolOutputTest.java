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
    // a BR key given inline through br.options; a key file's path is no secret
    assertThat(
            r.redact(
                "br backup full --crypter.key=0123456789abcdef0123456789abcdef"
                    + " --log.crypter.key 00ff00ff --crypter.key-file=/var/lib/br-encryption/snapshot/key"))
        .isEqualTo(
            "br backup full --crypter.key=****** --log.crypter.key ******"
                + " --crypter.key-file=/var/lib/br-encryption/snapshot/key");
  }

  @Test
  void progressIsReportedOncePerPointMovedAndAtTheEnd() {
    ToolOutput o = new ToolOutput();
    List<String> printed = new java.util.ArrayList<>();
    for (String line :
        List.of(
            "Full Backup <------------------------------------> 0.50%",
            "Full Backup <------------------------------------> 0.90%",
            "[progress] [step=\"Full Backup\"] [progress=1.60%]",
            "Full Backup <---/-----------------------------------> 2.10%",
            "Checksum <-------------------------------------> 10%",
            "Full Backup <-----------------------------------> 99.50%",
            "Full Backup <-----------------------------------> 100.00%",
            "Full Backup <-----------------------------------> 100.00%")) {
      o.accept(line);
      var p = o.takeProgress();
      if (p != null) {
        printed.add(p.line());
      }
    }
    assertThat(printed)
        .containsExactly(
            "tidb-backup-operator progress step=\"Full Backup\" percent=0.50",
            "tidb-backup-operator progress step=\"Full Backup\" percent=1.60",
            "tidb-backup-operator progress step=\"Checksum\" percent=10.00",
            "tidb-backup-operator progress step=\"Full Backup\" percent=99.50",
            "tidb-backup-operator progress step=\"Full Backup\" percent=100.00");
    // what the operator reads back from the pod log: the last of each step
    assertThat(io.tidbbackup.api.AgentProtocol.StepProgress.latest(String.join("\n", printed)))
        .containsExactly(
            new io.tidbbackup.api.AgentProtocol.StepProgress("Full Backup", 100.0, null),
            new io.tidbbackup.api.AgentProtocol.StepProgress("Checksum", 10.0, null));
  }

  @Test
  void tikvCtlCompactionProgressIsReadFromItsJsonLog() {
    // tikv-ctl compact-log-backup --log-format json (the fields TiDB Operator's
    // cmd/backup-manager/app/compact/manager.go decodes)
    ToolOutput o = new ToolOutput();
    o.accept("{\"Message\":\"Spawning compaction.\",\"input_max_ts\":452000000000000000}");
    assertThat(o.takeProgress()).isNull();
    o.accept(
        "{\"Message\":\"Finishing compaction.\",\"meta_completed\":3,\"meta_total\":10,"
            + "\"bytes_to_compact\":4000,\"bytes_compacted\":1000}");
    var p = o.takeProgress();
    assertThat(p.step()).isEqualTo("Compaction");
    assertThat(p.percent()).isEqualTo(25.0);
    assertThat(p.detail()).isEqualTo("[READ_META(3/10),COMPACT_WORK(1000/4000)]");
    assertThat(io.tidbbackup.api.AgentProtocol.StepProgress.latest("x\n" + p.line() + "\ny"))
        .containsExactly(p);
  }
}
