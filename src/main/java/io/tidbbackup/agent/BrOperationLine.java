package io.tidbbackup.agent;

import io.tidbbackup.api.BrOperation;
import io.tidbbackup.api.Timestamps;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads BR's "BR operation started" log line, the record of one BR process that TiDB Operator 1.6.6
 * keeps in {@code status.brOperations}: BR's text log format, a line of bracketed tokens such as
 * {@code [2026/06/17 10:00:00.000 +00:00] [INFO] [context.go:122] ["BR operation started"]
 * [operation_id=op-a] [operation_started_at=2026-06-17T09:59:59Z] [command="log truncate"]}. A
 * token {@code key=value} (key of letters, digits and underscores) is a field, its value unquoted
 * as Go quotes it; a bracket inside quotes does not end a token; the token that reads as a time
 * (RFC 3339, or BR's {@code yyyy/MM/dd HH:mm:ss.SSS ±hh:mm}) is the line's time. A line is an
 * operation only with that message and a non-empty {@code operation_id}.
 */
public final class BrOperationLine {
  static final String MESSAGE = "BR operation started";

  private static final DateTimeFormatter BR_TIME =
      DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSS XXX");

  private BrOperationLine() {}

  /**
   * The operation a line records, or null. {@code observedAt} is the line's time, else {@code now}
   * (as TiDB Operator fills an observation without one); {@code startedAt} only when BR gave it.
   */
  public static BrOperation parse(String line, Instant now) {
    if (line == null || !line.contains(MESSAGE)) {
      return null;
    }
    Map<String, String> fields = new HashMap<>();
    boolean message = false;
    Instant time = null;
    for (String token : tokens(line)) {
      int eq = token.indexOf('=');
      if (eq > 0 && isKey(token.substring(0, eq))) {
        fields.put(token.substring(0, eq), unquote(token.substring(eq + 1).trim()));
        continue;
      }
      if (MESSAGE.equals(unquote(token.trim()))) {
        message = true;
        continue;
      }
      Instant t = time(token);
      if (t != null) {
        time = t;
      }
    }
    String id = fields.get("operation_id");
    if (!message || id == null || id.isEmpty()) {
      return null;
    }
    BrOperation op = new BrOperation();
    op.operationID = id;
    Instant started = time(fields.getOrDefault("operation_started_at", ""));
    op.startedAt = started == null ? null : Timestamps.format(started);
    String command = fields.get("command");
    op.command = command == null || command.isEmpty() ? null : command;
    op.observedAt = Timestamps.format(time != null ? time : now);
    return op;
  }

  /** The bracketed tokens of a line, a bracket inside a quoted value not ending one. */
  static List<String> tokens(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int start = line.indexOf('[', i);
      if (start < 0) {
        return out;
      }
      boolean quoted = false;
      boolean escaped = false;
      int end = -1;
      for (int j = start + 1; j < line.length(); j++) {
        char ch = line.charAt(j);
        if (escaped) {
          escaped = false;
        } else if (ch == '\\') {
          escaped = quoted;
        } else if (ch == '"') {
          quoted = !quoted;
        } else if (ch == ']' && !quoted) {
          end = j;
          break;
        }
      }
      if (end < 0) {
        return out;
      }
      out.add(line.substring(start + 1, end));
      i = end + 1;
    }
  }

  private static boolean isKey(String s) {
    return s.chars().allMatch(ch -> Character.isLetterOrDigit(ch) && ch < 128 || ch == '_');
  }

  /** A Go-quoted value without its quotes and escapes; anything else as it is. */
  static String unquote(String v) {
    if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
      return v;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < v.length() - 1; i++) {
      char ch = v.charAt(i);
      if (ch != '\\') {
        b.append(ch);
        continue;
      }
      if (++i >= v.length() - 1) {
        return v; // a lone backslash at the end: not a Go quoted string
      }
      char e = v.charAt(i);
      switch (e) {
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case '"', '\\' -> b.append(e);
        default -> b.append('\\').append(e);
      }
    }
    return b.toString();
  }

  private static Instant time(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      // BR's own format, below
    }
    try {
      return OffsetDateTime.parse(s, BR_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
