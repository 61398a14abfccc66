package io.tidbbackup.operator.validation;

import io.tidbbackup.tools.ToolVersion;

/**
 * TiKV version comparisons; an unknown (null) or unparseable version (nightly, latest) passes every
 * check, as upstream: {@link ToolVersion} reads it as the newest line.
 */
public final class Versions {
  private Versions() {}

  public static boolean atLeast(String version, int major, int minor, int patch) {
    return version == null
        || ToolVersion.of(version).atLeast("v" + major + "." + minor + "." + patch);
  }
}
