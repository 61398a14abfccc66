package io.tidbbackup.api;

import java.util.Optional;

/**
 * What a storage prefix (and the path part of a backupPath) may hold, so that the place BR writes
 * to and the place the cleaner deletes are the same. BR reads the storage as a URL ({@code
 * url.Parse}, then the path trimmed of '/'): a '%' escape is decoded, '?' and '#' end the path,
 * while the cleaner and the shared-prefix check read the prefix literally, and a local volume
 * resolves '.' and '..'. Rather than imitate every reading, such prefixes are refused: by the CRD
 * ({@link #CEL}), the validator (condition Invalid) and the cleaner (nothing deleted).
 */
public final class PrefixRules {
  /** The CRD rule on every prefix field (CEL, evaluated by the API server). */
  public static final String CEL =
      "!self.matches('(^|/)[.][.]?(/|$)') && !self.matches('[^/]//+[^/]')"
          + " && !self.matches(r'[%?#\\\\]') && !self.matches('[[:cntrl:]]')";

  /**
   * Longer than any object key a store takes (S3: 1024 bytes); it also bounds the CEL rule's cost.
   */
  public static final long MAX_LENGTH = 1024;

  public static final String MESSAGE =
      "a prefix may not contain '.' or '..' segments, empty segments ('//'), '%', '?', '#', '\\' or"
          + " control characters: BR reads it as a URL path and would write elsewhere than the"
          + " cleaner deletes";

  private PrefixRules() {}

  /** Why {@code prefix} is refused, naming {@code field}; empty when it is fine (null is fine). */
  public static Optional<String> problem(String field, String prefix) {
    if (prefix == null) {
      return Optional.empty();
    }
    for (int i = 0; i < prefix.length(); i++) {
      char ch = prefix.charAt(i);
      if (ch == '%' || ch == '?' || ch == '#' || ch == '\\') {
        return Optional.of(field + " \"" + prefix + "\" contains '" + ch + "': " + MESSAGE);
      }
      if (ch < 0x20 || ch == 0x7f) {
        return Optional.of(
            field
                + " contains a control character (U+"
                + String.format("%04X", (int) ch)
                + "): "
                + MESSAGE);
      }
    }
    String trimmed = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
    for (String segment : trimmed.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of(
            field + " \"" + prefix + "\" has a '" + segment + "' segment: " + MESSAGE);
      }
      if (segment.isEmpty() && !trimmed.isEmpty()) {
        return Optional.of(field + " \"" + prefix + "\" has an empty segment ('//'): " + MESSAGE);
      }
    }
    return Optional.empty();
  }
}
