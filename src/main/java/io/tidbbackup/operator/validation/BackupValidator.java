package io.tidbbackup.operator.validation;

import io.tidbbackup.api.BackoffRetryPolicy;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Timestamps;
import java.util.List;
import java.util.Optional;

/**
 * Pure validation of a Backup spec. The returned message names the field; it becomes condition
 * Invalid.
 */
public final class BackupValidator {

  private BackupValidator() {}

  /** All problems, in field order. Empty when the spec is valid. */
  public static List<String> problems(BackupSpec spec, String tikvVersion) {
    List<String> errors = SpecValidator.newErrors();
    if (spec == null) {
      errors.add("spec is required");
      return errors;
    }
    SpecValidator.storage("spec", spec, errors);
    SpecValidator.common("spec", spec, errors);
    boolean log = spec.backupMode == BackupMode.LOG;
    if (spec.br == null) {
      if (log) {
        errors.add("spec.br is required for backupMode log");
      }
      if (spec.from == null) {
        errors.add("spec.from is required for a Dumpling backup (spec.br is not set)");
      } else {
        SpecValidator.tidbAccess("spec.from", spec.from, errors);
      }
    } else {
      SpecValidator.br("spec", spec, errors);
    }
    if (spec.logStop != null && spec.logStop && spec.logSubcommand != null) {
      errors.add(
          "spec.logStop and spec.logSubcommand are mutually exclusive; use logSubcommand: log-stop");
    }
    if (!log && spec.logSubcommand != null) {
      errors.add("spec.logSubcommand needs spec.backupMode: log");
    }
    if (log) {
      if (!Versions.atLeast(tikvVersion, 6, 1, 0)) {
        errors.add(
            "spec.backupMode log needs TiKV v6.1.0 or later, the cluster runs " + tikvVersion);
      }
      if (spec.logSubcommand == LogSubCommand.TRUNCATE && empty(spec.logTruncateUntil)) {
        errors.add("spec.logTruncateUntil is required for logSubcommand log-truncate");
      }
      if (!empty(spec.logTruncateUntil) && !Timestamps.isTsoOrDatetime(spec.logTruncateUntil)) {
        errors.add(
            "spec.logTruncateUntil \""
                + spec.logTruncateUntil
                + "\" is neither a TSO nor a datetime");
      }
    }
    if (!empty(spec.commitTs) && !Timestamps.isTsoOrDatetime(spec.commitTs)) {
      errors.add("spec.commitTs \"" + spec.commitTs + "\" is neither a TSO nor a datetime");
    }
    ToolValidator.backup(spec, errors);
    EncryptionValidator.backup(spec, tikvVersion, errors);
    BackoffRetryPolicy p = spec.backoffRetryPolicy;
    if (p != null) {
      SpecValidator.duration(
          "spec.backoffRetryPolicy.minRetryDuration", emptyToNull(p.minRetryDuration), errors);
      SpecValidator.duration(
          "spec.backoffRetryPolicy.retryTimeout", emptyToNull(p.retryTimeout), errors);
      if (p.maxRetryTimes != null && p.maxRetryTimes < 0) {
        errors.add("spec.backoffRetryPolicy.maxRetryTimes must not be negative");
      }
    }
    return errors;
  }

  /** The first problem, if any: the message of the Invalid condition. */
  public static Optional<String> validate(BackupSpec spec, String tikvVersion) {
    return problems(spec, tikvVersion).stream().findFirst();
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static boolean empty(String s) {
    return s == null || s.isEmpty();
  }
}
