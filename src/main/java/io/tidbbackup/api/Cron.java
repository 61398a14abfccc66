package io.tidbbackup.api;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * A standard five-field cron expression ({@code minute hour day-of-month month day-of-week}), as
 * TiDB Operator parses it (robfig/cron's ParseStandard): lists, ranges, steps, month and weekday
 * names, {@code ?} for {@code *}, the descriptors {@code @yearly @monthly @weekly @daily @hourly}
 * and {@code @every <duration>}. When both day fields are restricted a day matches either, as in
 * cron. Times are in the given zone (a time in a DST gap is skipped).
 */
public final class Cron {
  private static final Map<String, String> DESCRIPTORS =
      Map.of(
          "@yearly",
          "0 0 1 1 *",
          "@annually",
          "0 0 1 1 *",
          "@monthly",
          "0 0 1 * *",
          "@weekly",
          "0 0 * * 0",
          "@daily",
          "0 0 * * *",
          "@midnight",
          "0 0 * * *",
          "@hourly",
          "0 * * * *");
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet doms;
  private final BitSet months;
  private final BitSet dows;
  private final boolean domStar;
  private final boolean dowStar;
  private final Duration every;

  private Cron(
      String text,
      BitSet minutes,
      BitSet hours,
      BitSet doms,
      BitSet months,
      BitSet dows,
      boolean domStar,
      boolean dowStar,
      Duration every) {
    this.text = text;
    this.minutes = minutes;
    this.hours = hours;
    this.doms = doms;
    this.months = months;
    this.dows = dows;
    this.domStar = domStar;
    this.dowStar = dowStar;
    this.every = every;
  }

  /**
   * Parses {@code expr}; a bad expression throws IllegalArgumentException saying which field is
   * wrong.
   */
  public static Cron parse(String expr) {
    if (expr == null || expr.isBlank()) {
      throw new IllegalArgumentException("empty cron expression");
    }
    String e = expr.trim();
    if (e.startsWith("@every ")) {
      Duration d = io.tidbbackup.api.GoDuration.parse(e.substring(7).trim());
      if (d.isZero() || d.isNegative() || d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("@every needs a positive duration of at least 1s");
      }
      return new Cron(e, null, null, null, null, null, true, true, d);
    }
    String resolved = DESCRIPTORS.getOrDefault(e.toLowerCase(Locale.ROOT), e);
    if (resolved.startsWith("@")) {
      throw new IllegalArgumentException("unknown descriptor " + e);
    }
    String[] f = resolved.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException(
          "expected 5 fields (minute hour day-of-month month day-of-week), found " + f.length);
    }
    BitSet dow = field("day-of-week", f[4], 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0); // 7 is Sunday too
    }
    return new Cron(
        e,
        field("minute", f[0], 0, 59, null),
        field("hour", f[1], 0, 23, null),
        field("day-of-month", f[2], 1, 31, null),
        field("month", f[3], 1, 12, MONTHS),
        dow,
        isStar(f[2]),
        isStar(f[4]),
        null);
  }

  private static boolean isStar(String f) {
    return f.equals("*") || f.equals("?");
  }

  private static BitSet field(String name, String text, int min, int max, String[] names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",")) {
      try {
        int step = 1;
        String range = part;
        int slash = part.indexOf('/');
        if (slash >= 0) {
          step = Integer.parseInt(part.substring(slash + 1));
          range = part.substring(0, slash);
          if (step <= 0) {
            throw new IllegalArgumentException("step must be positive");
          }
        }
        int lo;
        int hi;
        if (isStar(range)) {
          lo = min;
          hi = max;
        } else if (range.contains("-")) {
          String[] ab = range.split("-", 2);
          lo = value(ab[0], names, min);
          hi = value(ab[1], names, min);
        } else {
          lo = value(range, names, min);
          hi = slash >= 0 ? max : lo;
        }
        if (lo < min || hi > max || lo > hi) {
          throw new IllegalArgumentException("out of range " + min + "-" + max);
        }
        for (int v = lo; v <= hi; v += step) {
          bits.set(v);
        }
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(name + " \"" + part + "\": " + ex.getMessage(), ex);
      }
    }
    return bits;
  }

  private static int value(String s, String[] names, int min) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(s)) {
          return i + min;
        }
      }
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number");
    }
  }

  /** The first time strictly after {@code after} at which the expression fires, in {@code zone}. */
  public ZonedDateTime next(ZonedDateTime after, ZoneId zone) {
    if (every != null) {
      return after.plus(every).truncatedTo(ChronoUnit.SECONDS).withZoneSameInstant(zone);
    }
    ZonedDateTime t =
        after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(5);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.plusMonths(1).withDayOfMonth(1).withHour(0).withMinute(0);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.plusDays(1).withHour(0).withMinute(0);
        continue;
      }
      if (!hours.get(t.getHour())) {
        t = t.plusHours(1).withMinute(0);
        continue;
      }
      if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
        continue;
      }
      return t;
    }
    throw new IllegalArgumentException("\"" + text + "\" never fires");
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = doms.get(t.getDayOfMonth());
    boolean dow = dows.get(t.getDayOfWeek().getValue() % 7);
    if (domStar || dowStar) {
      return dom && dow;
    }
    return dom || dow;
  }

  @Override
  public String toString() {
    return text;
  }
}
