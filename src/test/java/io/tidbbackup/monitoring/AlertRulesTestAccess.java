package io.tidbbackup.monitoring;

import java.nio.file.Path;

/** The chart's rendered alert rules, for the end-to-end tests outside this package. */
public final class AlertRulesTestAccess {
  private AlertRulesTestAccess() {}

  /** {rules file, metrics job} of the chart rendered with its PrometheusRule. */
  public static String[] renderRules(Path dir) throws Exception {
    return AlertRulesTest.renderRules(dir);
  }
}
