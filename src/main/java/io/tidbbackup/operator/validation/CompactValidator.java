package io.tidbbackup.operator.validation;

import io.tidbbackup.api.CompactSpec;
import io.tidbbackup.api.Timestamps;
import java.util.List;
import java.util.Optional;

/**
 * Pure validation of a CompactBackup spec (also a schedule's compactBackupTemplate); messages name
 * the field.
 */
public final class CompactValidator {

  private CompactValidator() {}

  public static List<String> problems(CompactSpec spec, boolean template) {
    List<String> errors = SpecValidator.newErrors();
    if (spec == null) {
      errors.add("spec is required");
      return errors;
    }
    SpecValidator.storage("spec", spec, errors);
    if (!template && (spec.startTs == null || spec.startTs.isEmpty())) {
      errors.add("spec.startTs is required: the TSO or datetime the compaction starts from");
    }
    for (String[] f : new String[][] {{"startTs", spec.startTs}, {"endTs", spec.endTs}}) {
      if (f[1] != null && !f[1].isEmpty() && !Timestamps.isTsoOrDatetime(f[1])) {
        errors.add("spec." + f[0] + " \"" + f[1] + "\" is neither a TSO nor a datetime");
      }
    }
    if (spec.mode != null && !spec.mode.isEmpty() && !spec.mode.equals("sharded")) {
      errors.add("spec.mode \"" + spec.mode + "\" is not supported; leave it empty or set sharded");
    }
    if (spec.concurrency != null && spec.concurrency < 1) {
      errors.add("spec.concurrency must be at least 1");
    }
    if (spec.maxRetryTimes != null && spec.maxRetryTimes < 0) {
      errors.add("spec.maxRetryTimes must not be negative");
    }
    if (spec.azblob != null && spec.azblob.sasToken != null && !spec.azblob.sasToken.isEmpty()) {
      errors.add(
          "spec.azblob.sasToken is not supported by tikv-ctl; use secretName with AZURE_STORAGE_KEY or "
              + "AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID");
    }
    return errors;
  }

  /**
   * What the tikv-ctl of {@code tikvVersion} (or of spec.tikvImage's tag) cannot do for this spec;
   * checked once the cluster's version is known, before the Job is created.
   */
  public static Optional<String> validateTool(CompactSpec spec, String tikvVersion) {
    List<String> errors = SpecValidator.newErrors();
    ToolValidator.compact(spec, tikvVersion, errors);
    return errors.stream().findFirst();
  }

  public static Optional<String> validate(CompactSpec spec) {
    return problems(spec, false).stream().findFirst();
  }
}
