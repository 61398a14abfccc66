package io.tidbbackup.operator.backup;

import io.tidbbackup.api.BackoffRetryPolicy;
import io.tidbbackup.api.BackoffRetryRecord;
import io.tidbbackup.api.GoDuration;
import io.tidbbackup.api.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Pure retry arithmetic of backoffRetryPolicy: retry n waits {@code minRetryDuration << (n-1)};
 * give up when n would exceed maxRetryTimes or the first failure is older than retryTimeout.
 * Missing values take the CRD defaults (300s, 2, 30m), which TiDB Operator's CRD failed to apply.
 */
public final class BackoffRetry {

  /** Either a new record to append (retry at its expectedRetryAt), or a reason to give up. */
  public record Decision(BackoffRetryRecord retry, String giveUp) {}

  private BackoffRetry() {}

  public static Decision onFailure(
      BackoffRetryPolicy policy, List<BackoffRetryRecord> records, Instant now, String reason) {
    // the policy has its CRD defaults (CrdDefaults): no second copy of them here
    Duration min = GoDuration.parse(policy.minRetryDuration);
    Duration timeout = GoDuration.parse(policy.retryTimeout);
    int max = policy.maxRetryTimes;
    int n = (records == null ? 0 : records.size()) + 1;
    if (n > max) {
      return new Decision(
          null,
          "gave up after " + (n - 1) + " retries (backoffRetryPolicy.maxRetryTimes=" + max + ")");
    }
    Instant first =
        records == null || records.isEmpty()
            ? now
            : Timestamps.parse(records.get(0).detectFailedAt);
    if (Duration.between(first, now).compareTo(timeout) > 0) {
      return new Decision(
          null,
          "gave up: first failure at "
              + Timestamps.format(first)
              + " is older than backoffRetryPolicy.retryTimeout="
              + GoDuration.format(timeout));
    }
    BackoffRetryRecord r = new BackoffRetryRecord();
    r.retryNum = n;
    r.detectFailedAt = Timestamps.format(now);
    long shift = Math.min(n - 1, 20);
    r.expectedRetryAt = Timestamps.format(now.plus(min.multipliedBy(1L << shift)));
    r.retryReason = "BackupJobFailed";
    r.originalReason = reason;
    return new Decision(r, null);
  }
}
