package io.tidbbackup.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsers behave as the tools' flag libraries do, on the real models and on small ones. */
class ToolCliTest {
  static ToolCli br(String version) {
    return ToolModel.of(ToolModel.BR).at(ToolVersion.of(version));
  }

  static List<String> args(String line) {
    return List.of(line.split(" "));
  }

  @Test
  void pflagFormsOfValuesAndBools() throws Exception {
    ParsedLine p =
        br("v8.5.0")
            .parse(
                args(
                    "backup full -s s3://b/p --pd a:2379,b:2379 --checksum --check-requirements=false"
                        + " -f db1.* -f db2.* -L debug --ratelimit 0x10"));
    assertThat(p.command()).isEqualTo("backup full");
    assertThat(p.last("storage")).isEqualTo("s3://b/p");
    assertThat(p.flags().get("pd")).containsExactly("a:2379", "b:2379"); // stringSlice
    assertThat(p.flags().get("filter")).containsExactly("db1.*", "db2.*"); // stringArray
    assertThat(p.last("checksum")).isEqualTo("true");
    assertThat(p.last("check-requirements")).isEqualTo("false");
    assertThat(p.last("log-level")).isEqualTo("debug");
    assertThat(p.last("ratelimit")).isEqualTo("0x10"); // base 0, as strconv.ParseUint(s, 0, 64)
  }

  @Test
  void whatPflagAndCobraRefuse() throws Exception {
    assertThatThrownBy(() -> br("v8.5.0").parse(args("backup table --filter x --db d --table t")))
        .hasMessage("br v8.5.0 refuses it: unknown flag: --filter");
    assertThatThrownBy(() -> br("v8.5.0").parse(args("backup table --db d")))
        .hasMessageEndingWith("required flag(s) \"table\" not set");
    assertThatThrownBy(() -> br("v8.5.0").parse(args("backup full extra")))
        .hasMessageEndingWith("unknown command \"extra\" for \"br backup full\"");
    assertThatThrownBy(() -> br("v8.5.0").parse(args("backup full --checksum=maybe")))
        .hasMessageContaining("invalid argument \"maybe\" for \"--checksum\" flag");
    assertThatThrownBy(() -> br("v8.5.0").parse(args("backup full --storage")))
        .hasMessageEndingWith("flag needs an argument: --storage");
    assertThatThrownBy(() -> br("v8.5.0").parse(args("backup full -Z")))
        .hasMessageEndingWith("unknown shorthand flag: 'Z' in -Z");
    assertThatThrownBy(
            () -> br("v8.5.0").parse(List.of("log", "truncate", "--until=2024-10-01 00:00:00")))
        .hasMessageContaining("must set timezone when using datetime format ts");
    // a datetime with a zone, and a zone-less one where tzCheck is false
    assertThat(br("v8.5.0").parse(List.of("log", "truncate", "--until=2024-10-01 00:00:00+0800")))
        .isNotNull();
    assertThat(br("v8.5.0").parse(List.of("backup", "full", "--backupts=2024-10-01 00:00:00")))
        .isNotNull();
  }

  @Test
  void aCommandThatOnlyHasSubcommandsPrintsUsage() {
    assertThatThrownBy(() -> br("v8.5.0").parse(args("abort restore full")))
        .hasMessageEndingWith("unknown command \"abort\" for \"br\"");
    assertThatThrownBy(() -> br("v8.5.0").parse(args("log --task-name=x")))
        .hasMessageContaining("needs a subcommand: it prints its usage and exits 0");
  }

  @Test
  void releasesDiffer() throws Exception {
    // --concurrency: a global flag in v6.5 (so log start inherits it), a backup/restore flag after
    assertThat(br("v6.5.0").parse(args("log start --task-name=t --concurrency=4"))).isNotNull();
    assertThatThrownBy(() -> br("v7.1.0").parse(args("log start --task-name=t --concurrency=4")))
        .hasMessageEndingWith("unknown flag: --concurrency");
    assertThat(br("v7.1.0").parse(args("backup full --concurrency=4"))).isNotNull();
    assertThat(br("v8.5.0").hasCommand("abort restore point")).isFalse();
    assertThat(br("v8.5.5").hasCommand("abort restore point")).isTrue();
    assertThat(br("nightly").hasCommand("abort restore point")).isTrue();
  }

  @Test
  void goFlagAsLightningReadsIt() throws Exception {
    ToolCli l = ToolModel.of(ToolModel.LIGHTNING).at(ToolVersion.of("v8.5.0"));
    ParsedLine p = l.parse(args("--backend=tidb -server-mode=false --d s3://b/p -f a.* -f b.*"));
    assertThat(p.last("backend")).isEqualTo("tidb");
    assertThat(p.last("d")).isEqualTo("s3://b/p");
    assertThat(p.flags().get("f")).containsExactly("a.*", "b.*");
    assertThatThrownBy(() -> l.parse(args("--no-such=1")))
        .hasMessageEndingWith("flag provided but not defined: -no-such");
    // a bool does not take the next argument: parsing stops there, which Lightning refuses
    assertThatThrownBy(() -> l.parse(args("--server-mode false --backend=tidb")))
        .hasMessageEndingWith("unexpected argument \"false\"");
  }

  @Test
  void clapAsTikvCtlReadsIt() throws Exception {
    ToolCli c = ToolModel.of(ToolModel.TIKV_CTL).at(ToolVersion.of("v8.5.5"));
    ParsedLine p =
        c.parse(
            args("--log-level INFO compact-log-backup -s QUJD --from 1 --until 2 -N4 --name=n"));
    assertThat(p.command()).isEqualTo("compact-log-backup");
    assertThat(p.last("concurrency")).isEqualTo("4");
    assertThatThrownBy(() -> c.parse(args("compact-log-backup -s QUJD --from 1")))
        .hasMessageEndingWith("required flag(s) \"until\" not set");
    assertThatThrownBy(
            () -> c.parse(args("compact-log-backup --log-level INFO -s x --from 1 --until 2")))
        .hasMessageContaining("Found argument '--log-level'"); // global options go first
    assertThatThrownBy(
            () -> c.parse(args("compact-log-backup -s x --from 1 --until 2 --shard 1/2")))
        .hasMessageContaining("Found argument '--shard'");
    ToolCli newest = ToolModel.of(ToolModel.TIKV_CTL).at(ToolVersion.NEWEST);
    assertThat(newest.parse(args("compact-log-backup -s x --from 1 --shard 2/2"))).isNotNull();
    assertThatThrownBy(() -> newest.parse(args("compact-log-backup -s x --from 1 --shard 3/2")))
        .hasMessageContaining("INDEX/TOTAL");
  }

  @Test
  void versionsFromImages() {
    assertThat(ToolVersion.ofImage("pingcap/br:v7.5.2", "v8.5.0")).isEqualTo("v7.5.2");
    assertThat(ToolVersion.ofImage("registry:5000/pingcap/br", "v8.5.0")).isEqualTo("v8.5.0");
    assertThat(ToolVersion.ofImage("pingcap/br@sha256:abc", "v8.5.0")).isEqualTo("v8.5.0");
    assertThat(ToolVersion.of("nightly")).isEqualTo(ToolVersion.NEWEST);
    assertThat(ToolVersion.of("v8.5.5-20260115").atLeast("v8.5.5")).isTrue();
    assertThat(ToolVersion.of("v8.5.4").atLeast("v8.5.5")).isFalse();
    assertThat(ToolVersion.NEWEST.atLeast("newest")).isTrue();
  }

  @Test
  void aModelFileNamesItsDialectAndColumns() {
    assertThatThrownBy(
            () ->
                ToolModel.parse(
                    "x",
                    new BufferedReader(new StringReader("x\t\t(command)\t\t-\tno\tno\t\t\t\ts\n"))))
        .hasMessageContaining("no '# dialect:' line");
    assertThatThrownBy(
            () ->
                ToolModel.parse(
                    "x", new BufferedReader(new StringReader("# dialect: COBRA\nx\ty\n"))))
        .hasMessageContaining("11 columns expected");
  }
}
