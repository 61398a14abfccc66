package io.tidbbackup.operator.validation;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TiKV version comparisons; an unparseable version (nightly, latest) passes every check, as
 * upstream.
 */
public final class Versions {
  private static final Pattern SEMVER = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*");

  private Versions() {}

  public static boolean atLeast(String version, int major, int minor, int patch) {
    if (version == null) {
      return true;
    }
    Matcher m = SEMVER.matcher(version);
    if (!m.matches()) {
      return true;
    }
    int[] v = {
      Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))
    };
    int[] want = {major, minor, patch};
    for (int i = 0; i < 3; i++) {
      if (v[i] != want[i]) {
        return v[i] > want[i];
      }
    }
    return true;
  }
}
