package io.tidbbackup.operator.status;

import java.util.Locale;

/**
 * Human-readable byte counts, as go-humanize's Bytes (SI units), which TiDB Operator uses for
 * backupSizeReadable.
 */
public final class Sizes {
  private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

  private Sizes() {}

  public static String humanBytes(long bytes) {
    if (bytes < 10) {
      return bytes + " B";
    }
    int e = (int) Math.floor(Math.log(bytes) / Math.log(1000));
    e = Math.min(e, UNITS.length - 1);
    double val = Math.floor(bytes / Math.pow(1000, e) * 10 + 0.5) / 10;
    String f = val < 10 ? "%.1f %s" : "%.0f %s";
    return String.format(Locale.ROOT, f, val, UNITS[e]);
  }
}
