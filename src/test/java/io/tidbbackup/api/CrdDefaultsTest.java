package io.tidbbackup.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The defaults the CRDs carry, applied in code from the same annotations, and never over a value
 * that is set.
 */
class CrdDefaultsTest {

  @Test
  void aBackupGetsTheCrdDefaultsDownToNestedObjects() throws Exception {
    BackupSpec s =
        Serde.YAML.readValue("br: {cluster: c}\ncleanOption: {pageSize: 50}\n", BackupSpec.class);
    CrdDefaults.apply(s);
    assertThat(s.backupMode).isEqualTo(BackupMode.SNAPSHOT);
    assertThat(s.cleanPolicy).isEqualTo(CleanPolicy.RETAIN);
    assertThat(s.backoffRetryPolicy.minRetryDuration)
        .isEqualTo(BackoffRetryPolicy.DEFAULT_MIN_RETRY_DURATION);
    assertThat(s.backoffRetryPolicy.maxRetryTimes).isEqualTo(2);
    assertThat(s.backoffRetryPolicy.retryTimeout)
        .isEqualTo(BackoffRetryPolicy.DEFAULT_RETRY_TIMEOUT);
    assertThat(s.cleanOption.pageSize).as("set: kept").isEqualTo(50L);
    assertThat(s.cleanOption.retryCount).isEqualTo(5);
    assertThat(s.cleanOption.batchConcurrency).isEqualTo(10);
    assertThat(s.cleanOption.routineConcurrency).isEqualTo(100);
  }

  @Test
  void setValuesAreNeverOverwritten() throws Exception {
    BackupSpec s =
        Serde.YAML.readValue(
            "backupMode: log\ncleanPolicy: Delete\nbackoffRetryPolicy: {maxRetryTimes: 0}\n",
            BackupSpec.class);
    CrdDefaults.apply(s);
    assertThat(s.backupMode).isEqualTo(BackupMode.LOG);
    assertThat(s.cleanPolicy).isEqualTo(CleanPolicy.DELETE);
    assertThat(s.backoffRetryPolicy.maxRetryTimes).isZero();
  }

  @Test
  void restoreAndCompactDefaults() throws Exception {
    RestoreSpec r =
        CrdDefaults.apply(Serde.YAML.readValue("br: {cluster: c}\n", RestoreSpec.class));
    assertThat(r.restoreMode).isEqualTo(RestoreMode.SNAPSHOT);
    assertThat(r.backoffLimit).isZero();
    CompactSpec c = CrdDefaults.apply(Serde.YAML.readValue("startTs: '1'\n", CompactSpec.class));
    assertThat(c.concurrency).isEqualTo(4);
    assertThat(c.maxRetryTimes).isEqualTo(6);
  }

  @Test
  void theValuesAreTheOnesInTheCommittedCrds() throws Exception {
    String crd =
        java.nio.file.Files.readString(java.nio.file.Path.of("crds/backups.pingcap.com.yaml"));
    assertThat(crd).contains("default: Retain", "default: snapshot", "default: 10000");
  }
}
