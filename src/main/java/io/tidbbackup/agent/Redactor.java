package io.tidbbackup.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidbbackup.api.Serde;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from text before it is printed or reported.
 *
 * <ul>
 *   <li>Every known secret value, in each form a tool or an SDK may print it: as it is,
 *       URL-encoded, URL-decoded, JSON-escaped, and for a multi-line value (a GCS key file, a PEM
 *       key) each of its lines, since output is redacted line by line. For a JSON key file, every
 *       string in it that is a credential ({@code private_key}, {@code private_key_id}, {@code
 *       client_secret}, {@code refresh_token}).
 *   <li>Anything that looks like a credential after a known name, even if its value was not known
 *       to us: {@code sas-token=…}, {@code sig=…}, {@code --password=…}, {@code AccountKey=…},
 *       {@code "secret_access_key": "…"}, {@code password%3D…}, in flag, URL, header, YAML and JSON
 *       forms.
 * </ul>
 */
public final class Redactor {
  public static final String MASK = "******";

  /** Shorter values are not secrets worth hunting (and would mask ordinary words). */
  static final int MIN_SECRET = 4;

  /** A line of a multi-line secret shorter than this (a PEM "-----END" line) is left alone. */
  static final int MIN_SECRET_LINE = 16;

  private static final String NAMES =
      "sas-token|sas_token|sastoken|sig|signature|x-amz-signature|password|passwd|pwd"
          + "|secret[-_]?access[-_]?key|access[-_]?key|accountkey|account[-_]key|client[-_]?secret"
          + "|private[-_]key|private[-_]key[-_]id|refresh[-_]token|x-amz-security-token"
          + "|x-amz-credential|aws[-_]session[-_]token|azure[-_]storage[-_]key"
          // BR's keys given inline (br.options): --crypter.key=…, --log.crypter.key=…
          + "|crypter\\.key";

  /**
   * A credential name, an optional closing quote, a separator ({@code =}, {@code :}, URL-encoded
   * {@code %3D}/{@code %3A}), then the value: a double-quoted string (JSON escapes such as {@code
   * \n} and {@code \"} kept inside it), a single-quoted one, or a bare value up to a space, a quote
   * or a URL separator.
   */
  private static final Pattern PATTERNS =
      Pattern.compile(
          "(?i)(?<![A-Za-z0-9])((?:"
              + NAMES
              + ")[\"']?\\s*(?:=|:|%3D|%3A)\\s*)"
              + "(?:\"((?:\\\\.|[^\"\\\\])+)\"|'([^']+)'|((?:\\\\.|[^&\\s\"',;\\]\\\\<>])+))");

  /** BR's inline key flags in their two-argument form: {@code --crypter.key 0123…}. */
  private static final Pattern KEY_FLAG_ARGUMENT =
      Pattern.compile("(?<![A-Za-z0-9.])(--?(?:log\\.)?crypter\\.key\\s+)(?!-)([^\\s\"']+)");

  private static final Set<String> JSON_SECRET_FIELDS =
      Set.of("private_key", "private_key_id", "client_secret", "refresh_token");

  private final List<String> secrets;

  public Redactor(List<String> secretValues) {
    Set<String> s = new LinkedHashSet<>();
    for (String v : secretValues) {
      if (v != null && v.length() >= MIN_SECRET) {
        forms(v, s);
      }
    }
    List<String> sorted = new ArrayList<>(s);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(sorted);
  }

  /** The forms in which {@code v} may be printed. */
  static void forms(String v, Set<String> out) {
    addForms(v, out);
    if (v.contains("\n") || v.contains("\\n")) {
      for (String line : v.split("\\\\n|\r?\n")) {
        String t = line.strip();
        if (t.length() >= MIN_SECRET_LINE) {
          addForms(t, out);
        }
      }
    }
    if (v.strip().startsWith("{")) {
      try {
        collectJsonSecrets(Serde.JSON.readTree(v), out);
      } catch (java.io.IOException | RuntimeException notJson) {
        // a value that only looks like JSON: its other forms are enough
      }
    }
  }

  private static void addForms(String v, Set<String> out) {
    out.add(v);
    String encoded = URLEncoder.encode(v, StandardCharsets.UTF_8);
    out.add(encoded);
    out.add(encoded.replace("+", "%20"));
    if (v.contains("%")) {
      try {
        out.add(URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException notEncoded) {
        // a literal % in the value
      }
    }
    String json = jsonEscaped(v);
    out.add(json);
    out.add(json.replace("/", "\\/"));
    out.removeIf(f -> f.length() < MIN_SECRET);
  }

  private static void collectJsonSecrets(JsonNode node, Set<String> out) {
    if (node == null || !node.isContainerNode()) {
      return;
    }
    Iterator<java.util.Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (e.getValue().isTextual() && JSON_SECRET_FIELDS.contains(e.getKey())) {
        String value = e.getValue().asText();
        if (value.length() >= MIN_SECRET) {
          forms(value, out);
        }
      } else {
        collectJsonSecrets(e.getValue(), out);
      }
    }
    for (JsonNode child : node) {
      if (child.isContainerNode()) {
        collectJsonSecrets(child, out);
      }
    }
  }

  static String jsonEscaped(String v) {
    StringBuilder sb = new StringBuilder(v.length() + 8);
    for (char ch : v.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20) {
            sb.append(String.format("\\u%04x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.toString();
  }

  public String redact(String line) {
    if (line == null) {
      return null;
    }
    String out = line;
    for (String s : secrets) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    out =
        KEY_FLAG_ARGUMENT.matcher(out).replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MASK));
    Matcher m = PATTERNS.matcher(out);
    return m.replaceAll(
        r -> {
          String value =
              r.group(2) != null ? r.group(2) : r.group(3) != null ? r.group(3) : r.group(4);
          if (value.equals(MASK)) {
            return Matcher.quoteReplacement(r.group());
          }
          String q = r.group(2) != null ? "\"" : r.group(3) != null ? "'" : "";
          return Matcher.quoteReplacement(r.group(1) + q + MASK + q);
        });
  }
}
