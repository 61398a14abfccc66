package io.tidbbackup.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The log task's keys in PD's etcd as BR writes them (TiDB Operator's
 * pkg/backup/backup/backup_tracker.go and pause_info.go, release-1.6, read the same keys).
 */
class LogTaskKeysTest {
  static final long TS = 452_000_000_000_000_000L;

  static byte[] be(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static SortedMap<String, byte[]> map(Object... kv) {
    SortedMap<String, byte[]> m = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (byte[]) kv[i + 1]);
    }
    return m;
  }

  /** A protobuf StreamBackupError: error_code (2), error_message (3), store_id (4). */
  static byte[] streamBackupError(String code, String message, long store) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1 << 3); // happen_at, varint
    out.write(42);
    for (Object[] f : new Object[][] {{2, code}, {3, message}}) {
      byte[] s = ((String) f[1]).getBytes(StandardCharsets.UTF_8);
      out.write(((Integer) f[0] << 3) | 2);
      out.write(s.length);
      out.writeBytes(s);
    }
    out.write((4 << 3));
    out.write((int) store);
    return out.toByteArray();
  }

  @Test
  void keysAreUnderTheTaskNameWithASlashSoNoOtherTaskMatches() {
    assertThat(LogTaskKeys.info("lb")).isEqualTo("/tidb/br-stream/info/lb");
    assertThat(LogTaskKeys.pause("lb")).isEqualTo("/tidb/br-stream/pause/lb");
    assertThat(LogTaskKeys.checkpoints("lb")).isEqualTo("/tidb/br-stream/checkpoint/lb/");
    assertThat("/tidb/br-stream/checkpoint/lb-2/central_global")
        .doesNotStartWith(LogTaskKeys.checkpoints("lb"));
    assertThat(LogTaskKeys.lastErrors("lb")).isEqualTo("/tidb/br-stream/last-error/lb/");
  }

  @Test
  void theGlobalCheckpointWinsElseTheSmallestStoreCheckpoint() {
    assertThat(
            LogTaskKeys.checkpoint(
                map("central_global", be(TS), "store/1", be(TS - 5), "store/2", be(TS + 5))))
        .isEqualTo(TS);
    assertThat(LogTaskKeys.checkpoint(map("store/1", be(TS + 7), "store/2", be(TS + 3))))
        .isEqualTo(TS + 3);
    // not 8 bytes, or 0: no checkpoint yet
    assertThat(LogTaskKeys.checkpoint(map("central_global", new byte[] {1, 2}))).isNull();
    assertThat(LogTaskKeys.checkpoint(map("central_global", be(0)))).isNull();
    assertThat(LogTaskKeys.checkpoint(map())).isNull();
  }

  @Test
  void aTaskPausedByAUserIsNotAnError() {
    LogTaskState empty = LogTaskKeys.state(new byte[0], map(), new byte[0], map());
    assertThat(empty.paused()).isTrue();
    assertThat(empty.pauseError()).isNull();
    byte[] manual =
        "{\"severity\":\"MANUAL\",\"operation_hostname\":\"br-0\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(LogTaskKeys.state(new byte[0], map(), manual, map()).pauseError()).isNull();
  }

  @Test
  void aTaskPausedByAnErrorSaysTheErrorFromEitherPayload() {
    String text =
        "{\"severity\":\"ERROR\",\"payload_type\":\"text/plain; charset=UTF-8\",\"payload\":\""
            + Base64.getEncoder().encodeToString("disk full".getBytes(StandardCharsets.UTF_8))
            + "\"}";
    assertThat(LogTaskKeys.pauseError(text.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("disk full");
    String proto =
        "{\"severity\":\"ERROR\",\"payload_type\":"
            + "\"application/x-protobuf;messagetype=brpb.StreamBackupError\",\"payload\":\""
            + Base64.getEncoder()
                .encodeToString(streamBackupError("KV:Log:Io", "cannot write to s3", 7))
            + "\"}";
    // TiDB Operator unmarshals this protobuf payload as JSON and fails; it is read here
    assertThat(LogTaskKeys.pauseError(proto.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("store 7: cannot write to s3");
    assertThat(LogTaskKeys.pauseError("not json".getBytes(StandardCharsets.UTF_8)))
        .startsWith("paused by an error (its record could not be read");
  }

  @Test
  void lastErrorsOfEveryStoreAreSaid() {
    LogTaskState s =
        LogTaskKeys.state(
            new byte[0],
            map("central_global", be(TS)),
            null,
            map(
                "1", streamBackupError("E1", "throttled", 1),
                "2", streamBackupError("E2", "", 2),
                "3", new byte[] {(byte) 0xff}));
    assertThat(s.taskExists()).isTrue();
    assertThat(s.paused()).isFalse();
    assertThat(s.checkpointTs()).isEqualTo(TS);
    assertThat(s.lastError())
        .isEqualTo(
            "store 1: throttled; store 2: E2; store 0: an error record that could not be read");
  }

  @Test
  void aMissingInfoKeyMeansNoTask() {
    assertThat(LogTaskKeys.state(null, map(), null, map()).taskExists()).isFalse();
  }
}
