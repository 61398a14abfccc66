package io.tidbbackup.api;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/** Kubernetes times (RFC 3339, whole seconds, UTC) and BR timestamps (TSO or datetime). */
public final class Timestamps {
  private static final Pattern TSO = Pattern.compile("\\d{1,20}");
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /**
   * {@code 2022-05-15 18:00:00+0800} (BR's documented form), also with a space or as {@code
   * +08:00}.
   */
  private static final DateTimeFormatter DATETIME_ZONE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[ ][XXX][Z]");

  private Timestamps() {}

  /** {@code 2024-01-02T03:04:05Z}. */
  public static String format(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  public static Instant parse(String s) {
    return s == null || s.isEmpty() ? null : OffsetDateTime.parse(s).toInstant();
  }

  /**
   * True for what BR accepts as a timestamp: a TSO, RFC 3339, or {@code yyyy-MM-dd HH:mm:ss[
   * ±zone]}.
   */
  public static boolean isTsoOrDatetime(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    if (TSO.matcher(s).matches()) {
      return true;
    }
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException ignored) {
      // next form
    }
    try {
      LocalDateTime.parse(s, DATETIME).atOffset(ZoneOffset.UTC);
      return true;
    } catch (DateTimeParseException ignored) {
      // next form
    }
    try {
      OffsetDateTime.parse(s, DATETIME_ZONE);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /**
   * A TSO as is, or a datetime as the TSO of that instant (milliseconds shifted left by 18 bits).
   */
  public static String toTso(String s) {
    if (s == null || s.isEmpty() || TSO.matcher(s).matches()) {
      return s;
    }
    Instant t;
    try {
      t = OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        t = OffsetDateTime.parse(s, DATETIME_ZONE).toInstant();
      } catch (DateTimeParseException e2) {
        t = LocalDateTime.parse(s, DATETIME).toInstant(ZoneOffset.UTC);
      }
    }
    return java.math.BigInteger.valueOf(t.toEpochMilli()).shiftLeft(18).toString();
  }
}
