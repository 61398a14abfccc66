package io.tidbbackup.operator.backup.clean;

import java.util.List;
import java.util.Locale;

/**
 * Pure: whether a failed clean can ever succeed by retrying. The agent refused its input (exit 2:
 * an unsafe prefix, a path outside the spec's storage; nothing was deleted), the store denied
 * access, or the bucket or container does not exist: retrying the same Job cannot help, so the
 * finalizer is released and the data reported kept.
 */
final class CleanFailures {
  /** What the agent exits with when it refuses its input, before deleting anything. */
  static final int AGENT_REFUSED = io.tidbbackup.api.AgentProtocol.REFUSED;

  private static final List<String> TERMINAL =
      List.of(
          "accessdenied",
          "access denied",
          "status code: 403",
          "authorizationpermissionmismatch",
          "authorizationfailure",
          "nosuchbucket",
          "the specified bucket does not exist",
          "containernotfound",
          "the specified container does not exist",
          "invalidaccesskeyid",
          "signaturedoesnotmatch");

  private CleanFailures() {}

  /** The reason a retry cannot help, or null when one may. */
  static String terminal(Integer exitCode, String error) {
    if (exitCode != null && exitCode == AGENT_REFUSED) {
      return "the clean agent refused the backup's path (nothing was deleted)";
    }
    String e = error == null ? "" : error.toLowerCase(Locale.ROOT);
    for (String t : TERMINAL) {
      if (e.contains(t)) {
        return t.contains("bucket") || t.contains("container")
            ? "the bucket or container does not exist"
            : "the store refused the credentials or denied access";
      }
    }
    return null;
  }
}
