package io.tidbbackup.operator.job;

import java.time.Duration;

/**
 * Operator-wide settings that shape Jobs.
 *
 * @param agentImage this project's image, which runs {@code agent …} in every Job
 * @param imagePullPolicy pull policy of the agent and tool images
 * @param podStartDeadline how long the pod of a backup, restore, compaction or clean Job may wait
 *     to start (an image it cannot pull, a missing Secret or ServiceAccount, no node) before the
 *     backup, restore or compaction fails, or the clean gives up with the data kept
 * @param activeDeadline {@code activeDeadlineSeconds} of backup and restore Jobs, or null for none
 *     (a backup of a large cluster may run for days)
 * @param toolRegistry the registry (and path) the default tool images are pulled from, e.g. {@code
 *     registry.example.com/mirror} for {@code registry.example.com/mirror/pingcap/br:v8.5.0}; empty
 *     for Docker Hub. {@code spec.toolImage} still wins.
 */
public record JobSettings(
    String agentImage,
    String imagePullPolicy,
    Duration podStartDeadline,
    Duration activeDeadline,
    String toolRegistry) {
  public static final String DEFAULT_AGENT_IMAGE = "tidb-backup-operator:0.1.0";
  public static final Duration DEFAULT_POD_START_DEADLINE = Duration.ofMinutes(15);

  public JobSettings(String agentImage, String imagePullPolicy) {
    this(agentImage, imagePullPolicy, DEFAULT_POD_START_DEADLINE, null, "");
  }

  /** A default tool image's repository ({@code pingcap/br}) under {@link #toolRegistry}. */
  public String toolRepo(String repo) {
    if (toolRegistry == null || toolRegistry.isBlank()) {
      return repo;
    }
    String r = toolRegistry.trim();
    return (r.endsWith("/") ? r : r + "/") + repo;
  }

  public static JobSettings defaults() {
    return new JobSettings(DEFAULT_AGENT_IMAGE, "IfNotPresent");
  }

  public JobSettings withPodStartDeadline(Duration d) {
    return new JobSettings(agentImage, imagePullPolicy, d, activeDeadline, toolRegistry);
  }

  /** activeDeadlineSeconds for a backup or restore Job, or null. */
  public Long activeDeadlineSeconds() {
    return activeDeadline == null ? null : activeDeadline.toSeconds();
  }
}
