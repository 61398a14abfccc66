package io.tidbbackup.operator.recovery;

import io.tidbbackup.api.Timestamps;
import java.time.Instant;

/** TiDB timestamps (TSO: milliseconds since the epoch shifted left by 18 bits) as numbers. */
public final class Tso {
  private Tso() {}

  /** A TSO or a datetime (as BR reads both) as a TSO, or null when it is neither. */
  public static Long of(String s) {
    if (s == null || s.isEmpty() || !Timestamps.isTsoOrDatetime(s)) {
      return null;
    }
    try {
      return Long.parseLong(Timestamps.toTso(s));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static Instant instant(long tso) {
    return Instant.ofEpochMilli(tso >>> 18);
  }

  /** RFC 3339, whole seconds. */
  public static String time(long tso) {
    return Timestamps.format(instant(tso));
  }

  public static Long of(Instant t) {
    return t == null ? null : t.toEpochMilli() << 18;
  }
}
