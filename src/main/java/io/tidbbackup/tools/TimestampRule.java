package io.tidbbackup.tools;

import java.util.regex.Pattern;

/**
 * How a tool reads a timestamp flag. BR's {@code ParseTSString(ts, tzCheck)}
 * (br/pkg/task/common.go): an unsigned integer is a TSO; anything else is a MySQL datetime, and
 * with {@code tzCheck} it must carry a zone ("must set timezone when using datetime format ts") —
 * without one BR would read it in the pod's local zone.
 */
public enum TimestampRule {
  NONE,
  /** {@code ParseTSString(ts, false)}: {@code --backupts}. */
  TSO_OR_DATETIME,
  /**
   * {@code ParseTSString(ts, true)}: {@code --start-ts}, {@code --restored-ts}, {@code --until}.
   */
  TSO_OR_ZONED_DATETIME;

  private static final Pattern TSO = Pattern.compile("\\d{1,20}");
  private static final Pattern DATETIME =
      Pattern.compile(
          "\\d{4}-\\d{1,2}-\\d{1,2}[ T]\\d{1,2}:\\d{1,2}:\\d{1,2}(\\.\\d{1,6})?(?<zone>.*)");

  /** What TiDB's {@code types.GetTimezone} reads as a zone: Z, ±HH, ±HHMM, ±HH:MM. */
  private static final Pattern ZONE = Pattern.compile("\\s?(Z|[+-]\\d{2}(:?\\d{2})?)");

  /** The type named in a model file: {@code tso-datetime-any}, {@code tso-zone-required}, or "". */
  public static TimestampRule of(String name) {
    return switch (name) {
      case "" -> NONE;
      case "tso-datetime-any" -> TSO_OR_DATETIME;
      case "tso-zone-required" -> TSO_OR_ZONED_DATETIME;
      default -> throw new IllegalArgumentException("unknown timestamp rule " + name);
    };
  }

  /** Null when the tool reads {@code value} as a timestamp, else its refusal. */
  public String refusal(String value) {
    if (this == NONE || value.isEmpty() || TSO.matcher(value).matches()) {
      return null;
    }
    var m = DATETIME.matcher(value);
    if (!m.matches()) {
      return "\"" + value + "\" is neither a TSO nor a datetime";
    }
    String zone = m.group("zone");
    if (!zone.isEmpty() && !ZONE.matcher(zone).matches()) {
      return "\"" + value + "\": cannot read the zone \"" + zone + "\"";
    }
    if (this == TSO_OR_ZONED_DATETIME && zone.isEmpty()) {
      return "must set timezone when using datetime format ts, e.g. '2018-05-11 01:42:23+0800'";
    }
    return null;
  }
}
