package io.tidbbackup.operator.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;

/**
 * Where BR keeps a log backup task in PD's etcd, and how its values read (pure). The layout is the
 * one TiDB Operator's backup tracker reads (pkg/backup/backup/backup_tracker.go, release-1.6):
 *
 * <ul>
 *   <li>{@code /tidb/br-stream/info/<task>}: the task exists;
 *   <li>{@code /tidb/br-stream/checkpoint/<task>/central_global}: the global checkpoint, 8 bytes
 *       big-endian (older BR: one {@code …/store/<id>} key per store, the global checkpoint being
 *       their minimum);
 *   <li>{@code /tidb/br-stream/pause/<task>}: the task is paused; empty (paused by a user, BR's
 *       first format) or JSON with a {@code severity} of {@code MANUAL} or {@code ERROR} and a
 *       payload ({@code text/plain}, or a protobuf {@code brpb.StreamBackupError});
 *   <li>{@code /tidb/br-stream/last-error/<task>/<store>}: a protobuf {@code StreamBackupError}.
 * </ul>
 *
 * Unlike upstream, the checkpoint and last-error keys are read under {@code <task>/}, so a task
 * named {@code lb} never reads the checkpoint of a task named {@code lb-2}.
 */
public final class LogTaskKeys {
  public static final String ROOT = "/tidb/br-stream";
  static final String GLOBAL = "central_global";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogTaskKeys() {}

  public static String info(String task) {
    return ROOT + "/info/" + task;
  }

  public static String pause(String task) {
    return ROOT + "/pause/" + task;
  }

  /** The prefix of the task's checkpoint keys (ends with '/'). */
  public static String checkpoints(String task) {
    return ROOT + "/checkpoint/" + task + "/";
  }

  /** The prefix of the task's last-error keys (ends with '/'). */
  public static String lastErrors(String task) {
    return ROOT + "/last-error/" + task + "/";
  }

  /**
   * The state from what was read: {@code info} and {@code pause} null when absent, the checkpoint
   * and last-error keys under their prefix (key without the prefix → value).
   */
  public static LogTaskState state(
      byte[] info,
      SortedMap<String, byte[]> checkpoints,
      byte[] pause,
      SortedMap<String, byte[]> lastErrors) {
    return new LogTaskState(
        info != null,
        checkpoint(checkpoints),
        pause != null,
        pause == null ? null : pauseError(pause),
        lastErrors.isEmpty() ? null : lastError(lastErrors));
  }

  static Long checkpoint(SortedMap<String, byte[]> keys) {
    Long global = tso(keys.get(GLOBAL));
    if (global != null) {
      return global;
    }
    Long min = null;
    for (Map.Entry<String, byte[]> e : keys.entrySet()) {
      Long ts = e.getKey().startsWith("store/") ? tso(e.getValue()) : null;
      if (ts != null && (min == null || Long.compareUnsigned(ts, min) < 0)) {
        min = ts;
      }
    }
    return min;
  }

  /** An 8-byte big-endian TSO; null for anything else or 0. */
  static Long tso(byte[] v) {
    if (v == null || v.length != 8) {
      return null;
    }
    long ts = ByteBuffer.wrap(v).getLong();
    return ts == 0 ? null : ts;
  }

  /** Why the task was paused when an error paused it; null when a user paused it. */
  static String pauseError(byte[] v) {
    if (v.length == 0) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(v);
      if ("MANUAL".equalsIgnoreCase(n.path("severity").asText())) {
        return null;
      }
      byte[] payload =
          n.hasNonNull("payload") ? Base64.getDecoder().decode(n.get("payload").asText()) : null;
      String type = n.path("payload_type").asText("");
      if (payload == null) {
        return "paused by an error (no details recorded)";
      }
      if (type.startsWith("application/x-protobuf")) {
        return StreamBackupError.parse(payload).describe();
      }
      return new String(payload, StandardCharsets.UTF_8);
    } catch (java.io.IOException | IllegalArgumentException e) {
      return "paused by an error (its record could not be read: " + e.getMessage() + ")";
    }
  }

  static String lastError(SortedMap<String, byte[]> errors) {
    StringBuilder sb = new StringBuilder();
    for (byte[] v : errors.values()) {
      if (!sb.isEmpty()) {
        sb.append("; ");
      }
      sb.append(StreamBackupError.parse(v).describe());
    }
    return sb.toString();
  }

  /**
   * BR's {@code brpb.StreamBackupError}: happen_at (1, varint), error_code (2), error_message (3),
   * store_id (4, varint). Read from the protobuf wire format; unknown fields are skipped.
   */
  record StreamBackupError(String code, String message, long storeId) {
    String describe() {
      String text = message == null || message.isEmpty() ? code : message;
      return "store " + storeId + ": " + (text == null || text.isEmpty() ? "an error" : text);
    }

    static StreamBackupError parse(byte[] b) {
      String code = null;
      String message = null;
      long store = 0;
      int[] pos = {0};
      try {
        while (pos[0] < b.length) {
          long tag = varint(b, pos);
          int field = (int) (tag >>> 3);
          int wire = (int) (tag & 7);
          switch (wire) {
            case 0 -> {
              long v = varint(b, pos);
              if (field == 4) {
                store = v;
              }
            }
            case 2 -> {
              int len = (int) varint(b, pos);
              if (len < 0 || pos[0] + len > b.length) {
                throw new IllegalArgumentException("truncated");
              }
              String s = new String(b, pos[0], len, StandardCharsets.UTF_8);
              pos[0] += len;
              if (field == 2) {
                code = s;
              } else if (field == 3) {
                message = s;
              }
            }
            case 1 -> pos[0] += 8;
            case 5 -> pos[0] += 4;
            default -> throw new IllegalArgumentException("wire type " + wire);
          }
        }
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        return new StreamBackupError(null, "an error record that could not be read", store);
      }
      return new StreamBackupError(code, message, store);
    }

    private static long varint(byte[] b, int[] pos) {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = b[pos[0]++];
        v |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("varint too long");
    }
  }
}
