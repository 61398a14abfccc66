package io.tidbbackup.operator.job;

/**
 * Operator-wide settings that shape Jobs.
 *
 * @param agentImage this project's image, which runs {@code agent …} in every Job
 * @param imagePullPolicy pull policy of the agent and tool images
 */
public record JobSettings(String agentImage, String imagePullPolicy) {
  public static final String DEFAULT_AGENT_IMAGE = "tidb-backup-operator:0.1.0";

  public static JobSettings defaults() {
    return new JobSettings(DEFAULT_AGENT_IMAGE, "IfNotPresent");
  }
}
