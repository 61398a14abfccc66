package io.tidbbackup.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The command lines of TiDB Operator's own examples (reference §2.3), rebuilt from the equivalent
 * specs.
 */
class ReferenceCommandLinesTest {
  static String backup(String yaml, List<String> args) throws Exception {
    // as the agent reads its spec (AgentEnvironment.spec): with the CRD's defaults applied
    BackupSpec spec =
        io.tidbbackup.api.CrdDefaults.apply(Serde.YAML.readValue(yaml, BackupSpec.class));
    return BackupAgent.command(AgentArgs.backup(args, spec), Set.of()).display();
  }

  @Test
  void awsS3WithSecretOnATlsCluster() throws Exception {
    String cmd =
        backup(
            """
        commitTs: "400036290571534337"
        br: {cluster: basic, clusterNamespace: tidb, sendCredToTikv: true, concurrency: 4, checksum: true,
             options: ["--lastbackupts=400036290571534330"]}
        s3: {provider: aws, region: us-west-2, bucket: my-bucket, prefix: my-prefix, secretName: s}
        """,
            List.of(
                "--namespace=tidb",
                "--backupName=b",
                "--tikvVersion=v8.5.0",
                "--cluster-tls=true"));
    assertThat(cmd)
        .isEqualTo(
            "/var/lib/br-bin/br backup full --backupts=400036290571534337 --pd=basic-pd.tidb:2379"
                + " --ca=/var/lib/cluster-client-tls/ca.crt --cert=/var/lib/cluster-client-tls/tls.crt"
                + " --key=/var/lib/cluster-client-tls/tls.key --send-credentials-to-tikv=true"
                + " --storage=s3://my-bucket/my-prefix --s3.region=us-west-2 --s3.provider=aws --concurrency=4"
                + " --checksum=true --lastbackupts=400036290571534330");
  }

  @Test
  void logStart() throws Exception {
    String cmd =
        backup(
            """
        backupMode: log
        commitTs: "443123456789"
        br: {cluster: basic}
        s3: {provider: aws, region: us-west-2, bucket: b, prefix: p/log-2024-01-01t00-00-00}
        """,
            List.of(
                "--namespace=tidb",
                "--backupName=log-sched",
                "--tikvVersion=v8.5.0",
                "--mode=log",
                "--subcommand=log-start"));
    assertThat(cmd)
        .isEqualTo(
            "/var/lib/br-bin/br log start --task-name=log-sched --start-ts=443123456789"
                + " --pd=basic-pd.tidb:2379 --storage=s3://b/p/log-2024-01-01t00-00-00 --s3.region=us-west-2 --s3.provider=aws");
  }

  @Test
  void cephWithEndpoint() throws Exception {
    String cmd =
        backup(
            """
        br: {cluster: demo1}
        s3: {provider: ceph, endpoint: "http://10.0.0.1", bucket: test1-demo1}
        """,
            List.of("--namespace=ns", "--backupName=b", "--tikvVersion=v8.5.0"));
    assertThat(cmd)
        .isEqualTo(
            "/var/lib/br-bin/br backup full --pd=demo1-pd.ns:2379 --storage=s3://test1-demo1"
                + " --s3.provider=ceph --s3.endpoint=http://10.0.0.1");
  }

  @Test
  void logTruncate() throws Exception {
    String cmd =
        backup(
            """
        backupMode: log
        logSubcommand: log-truncate
        logTruncateUntil: "443123456789"
        br: {cluster: basic}
        s3: {provider: aws, bucket: b, prefix: p}
        """,
            List.of(
                "--namespace=tidb",
                "--backupName=x",
                "--tikvVersion=v8.5.0",
                "--mode=log",
                "--subcommand=log-truncate"));
    assertThat(cmd)
        .isEqualTo(
            "/var/lib/br-bin/br log truncate --until=443123456789 --yes --pd=basic-pd.tidb:2379"
                + " --storage=s3://b/p --s3.provider=aws");
  }

  static String restore(String yaml, List<String> args) throws Exception {
    RestoreSpec spec =
        io.tidbbackup.api.CrdDefaults.apply(Serde.YAML.readValue(yaml, RestoreSpec.class));
    return RestoreAgent.command(AgentArgs.restore(args, spec), Set.of()).display();
  }

  /**
   * Reference §2.5: Restore r1, cluster basic, log data at s3://b/log, the full backup at
   * s3://b/full.
   */
  @Test
  void pitrRestoreWithAFullBackupStorage() throws Exception {
    String cmd =
        restore(
            """
        restoreMode: pitr
        pitrRestoredTs: "443123456789"
        br: {cluster: basic}
        s3: {provider: aws, region: us-west-2, bucket: b, prefix: log, secretName: s}
        pitrFullBackupStorageProvider:
          s3: {provider: aws, region: us-west-2, bucket: b, prefix: full}
        """,
            List.of("--namespace=tidb", "--restoreName=r1", "--tikvVersion=v8.5.0", "--mode=pitr"));
    assertThat(cmd)
        .isEqualTo(
            "/var/lib/br-bin/br restore point --pd=basic-pd.tidb:2379 --storage=s3://b/log"
                + " --s3.region=us-west-2 --s3.provider=aws --restored-ts=443123456789 --full-backup-storage=s3://b/full");
  }

  /**
   * TiDB Operator v1.6 (pkg/backup/util/remote.go, newS3StorageOptionForFlag) puts force-path-style
   * only on --storage: --full-backup-storage is the bare path.
   */
  @Test
  void forcePathStyleIsNeverOnTheFullBackupStorage() throws Exception {
    String cmd =
        restore(
            """
        restoreMode: pitr
        pitrRestoredTs: "443123456789"
        br: {cluster: basic}
        s3: {provider: ceph, endpoint: "10.0.0.1:7480", forcePathStyle: true, bucket: b, prefix: log}
        pitrFullBackupStorageProvider:
          s3: {provider: ceph, endpoint: "10.0.0.1:7480", forcePathStyle: true, bucket: b, prefix: full}
        """,
            List.of("--namespace=tidb", "--restoreName=r1", "--tikvVersion=v8.5.0", "--mode=pitr"));
    assertThat(cmd)
        .contains("--storage=s3://b/log?force-path-style=true")
        .contains("--full-backup-storage=s3://b/full")
        .doesNotContain("full?force-path-style")
        // a Ceph endpoint without a scheme is http (pkg/backup/util/util.go, generateS3CertEnvVar)
        .contains("--s3.endpoint=http://10.0.0.1:7480");
  }

  /**
   * A Dumpling export named by path alone, as TiDB Operator's restore docs write it (with or
   * without the scheme): valid for a Lightning restore, and read from there.
   */
  @Test
  void lightningReadsAnExportNamedByPathWithOrWithoutScheme() throws Exception {
    for (String path : List.of("s3://b/dumpling/backup-x", "b/dumpling/backup-x/")) {
      String yaml =
          """
          to: {host: basic-tidb.tidb, secretName: s}
          s3: {provider: aws, region: us-west-1, path: "%s"}
          """
              .formatted(path);
      assertThat(
              io.tidbbackup.operator.validation.RestoreValidator.problems(
                  Serde.YAML.readValue(yaml, io.tidbbackup.api.RestoreSpec.class), "v8.5.0"))
          .isEmpty();
      assertThat(
              restore(
                  yaml, List.of("--namespace=tidb", "--restoreName=r1", "--tikvVersion=v8.5.0")))
          .contains("'--d=s3://b/dumpling/backup-x?region=us-west-1&provider=aws'");
    }
  }

  /**
   * TiDB Operator v1.6 (cmd/backup-manager/app/backup/backup.go, doStartLogBackup) omits --start-ts
   * when commitTs is "0".
   */
  @Test
  void aLogStartAtCommitTsZeroHasNoStartTs() throws Exception {
    String cmd =
        backup(
            """
        backupMode: log
        commitTs: "0"
        br: {cluster: basic}
        s3: {provider: aws, region: us-west-2, bucket: b, prefix: log}
        """,
            List.of(
                "--namespace=tidb",
                "--backupName=lb",
                "--tikvVersion=v8.5.0",
                "--mode=log",
                "--subcommand=log-start"));
    assertThat(cmd).contains("log start --task-name=lb").doesNotContain("--start-ts");
  }

  /**
   * Reference §2.5's snapshot example: GCS, no credentials sent to TiKV, a filter, performance
   * flags.
   */
  @Test
  void snapshotRestoreFromGcs() throws Exception {
    String cmd =
        restore(
            """
        br: {cluster: basic, sendCredToTikv: false, concurrency: 128, checksum: true}
        tableFilter: ["db1.*"]
        gcs: {projectId: p, bucket: b, prefix: p}
        """,
            List.of(
                "--namespace=tidb", "--restoreName=r", "--tikvVersion=v8.5.0", "--mode=snapshot"));
    assertThat(cmd)
        .isEqualTo(
            "/var/lib/br-bin/br restore full --pd=basic-pd.tidb:2379 --send-credentials-to-tikv=false"
                + " --storage=gcs://b/p/ --filter 'db1.*' --concurrency=128 --checksum=true");
  }

  /** br.options come after every generated flag of a snapshot restore, so they win. */
  @Test
  void restoreOptionsComeLast() throws Exception {
    String cmd =
        restore(
            """
        br: {cluster: basic, rateLimit: 64, checkRequirements: false, onLine: true, options: ["--ratelimit=32"]}
        s3: {provider: aws, bucket: b, prefix: p}
        """,
            List.of("--namespace=tidb", "--restoreName=r", "--tikvVersion=v8.5.0"));
    assertThat(cmd)
        .endsWith("--check-requirements=false --ratelimit=64 --online=true --ratelimit=32");
  }
}
