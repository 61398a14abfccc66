package io.tidbbackup.cli.plugin;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.recovery.Tso;
import java.time.Instant;

/** Backups as the API server holds them, at hours of one day. */
final class PluginFixtures {
  static final Instant DAY = Instant.parse("2024-05-01T00:00:00Z");

  private PluginFixtures() {}

  static long ts(int hour) {
    return Tso.of(DAY.plusSeconds(hour * 3600L));
  }

  static Backup snapshot(String name, String phase, Integer hour) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: %s, namespace: tidb, creationTimestamp: '2024-05-01T%02d:00:00Z'}
        spec:
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: %s}
        status: {phase: %s%s}
        """
            .formatted(
                name,
                hour == null ? 23 : hour,
                name,
                phase,
                hour == null ? "" : ", commitTs: '" + ts(hour) + "'"),
        Backup.class);
  }

  static Backup log(String phase, int start, int checkpoint) throws Exception {
    return Serde.YAML.readValue(
        """
        apiVersion: pingcap.com/v1alpha1
        kind: Backup
        metadata: {name: log, namespace: tidb, creationTimestamp: '2024-05-01T00:00:00Z'}
        spec:
          backupMode: log
          br: {cluster: basic}
          s3: {provider: aws, bucket: b, prefix: log}
        status: {phase: %s, commitTs: '%d', logCheckpointTs: '%d'}
        """
            .formatted(phase, ts(start), ts(checkpoint)),
        Backup.class);
  }
}
