package io.tidbbackup.tools;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool's release, from an image tag or a TiKV version: {@code v8.5.0}, {@code v7.5.2-20240101},
 * {@code 8.1.1}. A tag that names no release ({@code nightly}, {@code latest}, a digest) is the
 * newest line the model knows, as the tool built from master is.
 */
public record ToolVersion(int major, int minor, int patch, boolean newest)
    implements Comparable<ToolVersion> {
  private static final Pattern SEMVER = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

  public static final ToolVersion NEWEST = new ToolVersion(Integer.MAX_VALUE, 0, 0, true);

  /** The release a tag or version names, or {@link #NEWEST} when it names none. */
  public static ToolVersion of(String tagOrVersion) {
    if (tagOrVersion == null) {
      return NEWEST;
    }
    Matcher m = SEMVER.matcher(tagOrVersion.trim());
    if (!m.matches()) {
      return NEWEST;
    }
    return new ToolVersion(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)),
        false);
  }

  /**
   * The version a Job's tool runs: the tag of its image ({@code pingcap/br:v7.5.0}; {@code nightly}
   * is the newest line), else the cluster's TiKV version, which the operator appends to an untagged
   * image. An image by digest names no version: the TiKV version is taken.
   */
  public static String ofImage(String image, String tikvVersion) {
    if (image != null && !image.contains("@")) {
      String last = image.substring(image.lastIndexOf('/') + 1);
      int colon = last.indexOf(':');
      if (colon >= 0 && colon < last.length() - 1) {
        return last.substring(colon + 1);
      }
    }
    return tikvVersion;
  }

  /** True when this release is at or after {@code line} ({@code v8.5}, {@code v6.5.0}). */
  public boolean atLeast(String line) {
    return compareTo(of(line)) >= 0;
  }

  @Override
  public int compareTo(ToolVersion o) {
    if (newest || o.newest) {
      return Boolean.compare(newest, o.newest);
    }
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c == 0 ? Integer.compare(patch, o.patch) : c;
  }

  @Override
  public String toString() {
    return newest ? "the newest release" : "v" + major + "." + minor + "." + patch;
  }
}
