package io.tidbbackup.agent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from text before it is printed or reported: every known secret value, plus
 * anything that looks like one in a URL or flag ({@code sas-token=}, {@code sig=}, {@code
 * --password=}, {@code AccountKey=}, …) even if its value was not known to us.
 */
public final class Redactor {
  public static final String MASK = "******";
  private static final Pattern PATTERNS =
      Pattern.compile(
          "(?i)((?:sas-token|sig|password|passwd|secret[-_]?access[-_]?key|access[-_]?key|accountkey|client[-_]?secret"
              + "|x-amz-security-token|x-amz-credential)[=:]\\s*)([^&\\s\"',;\\]]+)");

  private final List<String> secrets;

  public Redactor(List<String> secretValues) {
    List<String> s = new ArrayList<>();
    for (String v : secretValues) {
      if (v != null && v.length() >= 4) {
        s.add(v);
      }
    }
    s.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = s;
  }

  public String redact(String line) {
    if (line == null) {
      return null;
    }
    String out = line;
    for (String s : secrets) {
      out = out.replace(s, MASK);
    }
    Matcher m = PATTERNS.matcher(out);
    return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MASK));
  }
}
