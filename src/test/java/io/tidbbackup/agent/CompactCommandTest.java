package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.CompactSpec;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.Serde;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tikv-ctl command line, the StorageBackend it carries (decoded by protobuf-java), and the
 * agent on a fake tool.
 */
class CompactCommandTest {
  @TempDir Path dir;

  static CompactSpec spec(String yaml) throws Exception {
    return io.tidbbackup.api.CrdDefaults.apply(Serde.YAML.readValue(yaml, CompactSpec.class));
  }

  static String string(UnknownFieldSet m, int field) {
    return m.getField(field).getLengthDelimitedList().get(0).toStringUtf8();
  }

  @Test
  void theStorageIsKvprotosStorageBackendWithoutCredentials() throws Exception {
    CompactSpec s =
        spec(
            "s3: {provider: minio, endpoint: 'http://minio:9000', region: us-east-1, bucket: b, "
                + "prefix: /basic/log/, secretName: s, storageClass: STANDARD}");
    UnknownFieldSet backend =
        UnknownFieldSet.parseFrom(
            Base64.getDecoder().decode(StorageBackendProto.base64(s, "v8.5.0")));
    assertThat(backend.asMap().keySet()).containsExactly(3); // oneof backend: s3 = 3
    UnknownFieldSet s3 =
        UnknownFieldSet.parseFrom(backend.getField(3).getLengthDelimitedList().get(0));
    assertThat(string(s3, 1)).isEqualTo("http://minio:9000");
    assertThat(string(s3, 2)).isEqualTo("us-east-1");
    assertThat(string(s3, 3)).isEqualTo("b");
    assertThat(string(s3, 4)).isEqualTo("basic/log");
    assertThat(string(s3, 5)).isEqualTo("STANDARD");
    assertThat(s3.getField(10).getVarintList())
        .containsExactly(1L); // force_path_style for a non-AWS store
    assertThat(string(s3, 16)).isEqualTo("minio"); // provider, as BR sets it
    assertThat(s3.hasField(8)).isFalse(); // access_key: from env, never in args
    assertThat(s3.hasField(9)).isFalse();

    UnknownFieldSet gcs =
        UnknownFieldSet.parseFrom(
            UnknownFieldSet.parseFrom(
                    StorageBackendProto.encode(
                        spec("gcs: {projectId: p, bucket: g, prefix: x, objectAcl: private}"),
                        "v8.5.0"))
                .getField(4)
                .getLengthDelimitedList()
                .get(0));
    assertThat(string(gcs, 2)).isEqualTo("g");
    assertThat(string(gcs, 5)).isEqualTo("private");
    UnknownFieldSet az =
        UnknownFieldSet.parseFrom(
            UnknownFieldSet.parseFrom(
                    StorageBackendProto.encode(
                        spec(
                            "azblob: {container: c, prefix: p, storageAccount: acct, secretName: s}"),
                        "v8.5.0"))
                .getField(7)
                .getLengthDelimitedList()
                .get(0));
    assertThat(string(az, 2)).isEqualTo("c");
    assertThat(string(az, 5)).isEqualTo("acct");
    ByteString local =
        UnknownFieldSet.parseFrom(
                StorageBackendProto.encode(
                    spec(
                        "local: {prefix: logs, volume: {name: v}, volumeMount: {name: v, mountPath: /nfs}}"),
                    "v8.5.0"))
            .getField(2)
            .getLengthDelimitedList()
            .get(0);
    assertThat(string(UnknownFieldSet.parseFrom(local), 1)).isEqualTo("/nfs/logs");
  }

  /**
   * force_path_style as BR's base64ify sets it for the same flags (br/pkg/storage/s3.go Apply; the
   * newest pkg/objstore SetForcePathStyle): path style unless the provider is alibaba or netease,
   * and in the newest BR virtual-hosted for AWS unless the URL says force-path-style.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "v8.5.0, aws, , , true",
    "v8.5.0, ceph, http://ceph:7480, , true",
    "v8.5.0, alibaba, , , false",
    "v8.5.0, alibaba, , true, false",
    "v8.5.0, netease, , , false",
    "v8.5.0, minio, http://minio:9000/, false, false",
    "v8.5.0, tencent, , , true",
    "nightly, aws, , , false",
    "nightly, aws, , true, true",
    "nightly, ceph, https://s3.us-west-2.amazonaws.com, , false",
    "nightly, minio, http://minio:9000, , true",
    "nightly, tencent, , true, false",
  })
  void forcePathStyleIsWhatBrWouldEncode(
      String release, String provider, String endpoint, Boolean forcePathStyle, boolean expected)
      throws Exception {
    CompactSpec s = spec("s3: {provider: " + provider + ", bucket: b, prefix: p}");
    s.s3.endpoint = endpoint;
    s.s3.forcePathStyle = forcePathStyle;
    UnknownFieldSet s3 =
        UnknownFieldSet.parseFrom(
            UnknownFieldSet.parseFrom(StorageBackendProto.encode(s, release))
                .getField(3)
                .getLengthDelimitedList()
                .get(0));
    assertThat(s3.hasField(10) && s3.getField(10).getVarintList().contains(1L)).isEqualTo(expected);
    if (endpoint != null) {
      assertThat(string(s3, 1)).doesNotEndWith("/");
    }
  }

  @Test
  void shardedCompactionsTakeTheirShardFromTheJobIndexAndDatetimesBecomeTsos() throws Exception {
    CompactSpec s =
        spec(
            """
        mode: sharded
        shardCount: 4
        physicalFileCacheCapacity: 10GiB
        startTs: "2024-06-01 00:00:00+0000"
        name: nightly
        s3: {provider: aws, bucket: b, prefix: log}
        """);
    AgentEnvironment env = new AgentEnvironment(Map.of(JobEnv.JOB_COMPLETION_INDEX, "2"), dir);
    List<String> argv = CompactAgent.command(s, env, "nightly").argv(Map.of());
    assertThat(argv)
        .containsSubsequence(
            "--from",
            "450153676800000000",
            "-N",
            "4",
            "--name",
            "nightly",
            "--cal-shift-ts",
            "--physical-file-cache-capacity",
            "10GiB",
            "--shard",
            "3/4",
            "--minimal-compaction-size",
            "0");
    assertThat(argv).doesNotContain("--until");
  }

  /**
   * The exact order of TiDB Operator release-1.x (cmd/backup-manager/app/compact/manager.go,
   * buildShardedCompactArgs): --until after the cache capacity, before --shard; the capacity "0"
   * when unset; shards counted from 1, so the last Job index compacts shard N of N.
   */
  @Test
  void shardedArgumentsAreUpstreamsInOrderAndCountShardsFromOne() throws Exception {
    CompactSpec s =
        spec(
            """
        mode: sharded
        shardCount: 4
        startTs: "2024-06-01 00:00:00+0000"
        endTs: "2024-06-02 00:00:00+0000"
        s3: {provider: aws, bucket: b, prefix: log}
        """);
    AgentEnvironment env = new AgentEnvironment(Map.of(JobEnv.JOB_COMPLETION_INDEX, "3"), dir);
    List<String> argv = CompactAgent.command(s, env, "nightly").argv(Map.of());
    assertThat(argv.subList(argv.indexOf("--cal-shift-ts"), argv.size()))
        .containsExactly(
            "--cal-shift-ts",
            "--physical-file-cache-capacity",
            "0",
            "--until",
            "450176326041600000",
            "--shard",
            "4/4",
            "--minimal-compaction-size",
            "0");
  }

  @Test
  void theAgentReportsTheToolsErrorLines() throws Exception {
    Path tool = dir.resolve("tikv-ctl");
    Files.writeString(
        tool,
        "#!/bin/sh\necho '{\"level\":\"ERROR\",\"message\":\"[ERROR] failed to read log files\"}'\n"
            + "exit 1\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path term = dir.resolve("term");
    int code =
        new CompactAgent(
                new AgentEnvironment(Map.of(), dir),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                tool.toString())
            .run(spec("startTs: '1'\ns3: {provider: aws, bucket: b}"), "v8.5.0", term);
    assertThat(code).isEqualTo(1);
    AgentResult r = Serde.fromJson(Files.readString(term), AgentResult.class);
    assertThat(r.success).isFalse();
    assertThat(r.error).contains("failed to read log files");
  }
}
