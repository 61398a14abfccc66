package io.tidbbackup.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's duration syntax ({@code 300s}, {@code 1h30m}, {@code 1.5h}), used by TiDB Operator fields;
 * and its String form.
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  /** Parses a Go duration; throws IllegalArgumentException naming the value when it is not one. */
  public static Duration parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    String t = s;
    boolean negative = t.startsWith("-");
    if (negative || t.startsWith("+")) {
      t = t.substring(1);
    }
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(t);
    int pos = 0;
    double nanos = 0;
    while (pos < t.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException("invalid duration \"" + s + "\"");
      }
      double v = Double.parseDouble(m.group(1));
      nanos +=
          v
              * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
              };
      pos = m.end();
    }
    Duration d = Duration.ofNanos((long) nanos);
    return negative ? d.negated() : d;
  }

  public static boolean isValid(String s) {
    try {
      parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Go's Duration.String() for whole seconds: {@code 0s}, {@code 45s}, {@code 1m30s}, {@code
   * 2h0m5s}.
   */
  public static String format(Duration d) {
    long secs = d.getSeconds();
    if (secs == 0) {
      return "0s";
    }
    String sign = secs < 0 ? "-" : "";
    secs = Math.abs(secs);
    long h = secs / 3600;
    long m = (secs % 3600) / 60;
    long s = secs % 60;
    if (h > 0) {
      return sign + h + "h" + m + "m" + s + "s";
    }
    if (m > 0) {
      return sign + m + "m" + s + "s";
    }
    return sign + s + "s";
  }
}
