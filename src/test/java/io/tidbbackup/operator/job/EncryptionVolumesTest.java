package io.tidbbackup.operator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.settings.CleanJobPolicy;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A Job mounts the key of each part of spec.encryption its command reads, and only those: one
 * Secret volume per part holding that one Secret key as the file {@code key} (mode 0400), mounted
 * read-only into the tool's (main) container; the agent is told the methods, not the Secret; no env
 * var carries or names a key.
 */
class EncryptionVolumesTest {
  static final String S3 = "  s3: {provider: aws, bucket: b, prefix: p, secretName: s}\n";
  static final ClusterFacts FACTS = new ClusterFacts("v8.5.0", false);

  static String key(String name, String key) {
    return "{method: aes192-ctr, secretKeyRef: {name: " + name + ", key: " + key + "}}";
  }

  static PodSpec pod(Job job) {
    return job.getSpec().getTemplate().getSpec();
  }

  /** Encryption volumes by name → (Secret, its one key). */
  static Map<String, List<String>> keyVolumes(Job job) {
    return pod(job).getVolumes().stream()
        .filter(v -> v.getName().startsWith("encryption-"))
        .collect(
            Collectors.toMap(
                Volume::getName,
                v -> {
                  assertThat(v.getSecret().getDefaultMode()).isEqualTo(0400);
                  assertThat(v.getSecret().getItems()).hasSize(1);
                  assertThat(v.getSecret().getItems().get(0).getPath()).isEqualTo("key");
                  return List.of(
                      v.getSecret().getSecretName(), v.getSecret().getItems().get(0).getKey());
                }));
  }

  static Map<String, String> keyMounts(Job job) {
    Container main = pod(job).getContainers().get(0);
    for (Container init : pod(job).getInitContainers()) {
      assertThat(init.getVolumeMounts()).noneMatch(m -> m.getName().startsWith("encryption-"));
    }
    return main.getVolumeMounts().stream()
        .filter(m -> m.getName().startsWith("encryption-"))
        .peek(m -> assertThat(m.getReadOnly()).as(m.getName()).isTrue())
        .collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
  }

  /** The key Secrets appear in the pod only as volumes: not in env, not in the agent's spec. */
  static void secretsOnlyAsVolumes(Job job, String... secrets) {
    Container main = pod(job).getContainers().get(0);
    String env = Serde.json(main.getEnv()) + Serde.json(main.getArgs());
    for (String s : secrets) {
      assertThat(env).doesNotContain(s);
    }
  }

  @Test
  void aSnapshotBackupMountsItsKeyAndTellsTheAgentTheMethodOnly() throws Exception {
    Backup b =
        AgentContractTest.cr(
            Backup.class,
            "Backup",
            "  br: {cluster: c}\n"
                + S3
                + "  encryption: {snapshot: "
                + key("snap-keys", "k1")
                + "}\n");
    Job job = BackupJobBuilder.build(b, null, FACTS, JobSettings.defaults());
    assertThat(keyVolumes(job))
        .isEqualTo(Map.of("encryption-snapshot", List.of("snap-keys", "k1")));
    assertThat(keyMounts(job))
        .isEqualTo(Map.of("encryption-snapshot", JobEnv.ENCRYPTION_DIR + "/snapshot"));
    secretsOnlyAsVolumes(job, "snap-keys", "k1");
    assertThat(Serde.json(pod(job).getContainers().get(0).getEnv()))
        .contains("\\\"encryption\\\":{\\\"snapshot\\\":{\\\"method\\\":\\\"aes192-ctr\\\"}}");
    // its clean Job reads no data: no key
    Job clean =
        CleanJobBuilder.build(
            b, "s3://b/p", JobSettings.defaults(), 3, CleanJobPolicy.ACTIVE_DEADLINE.toSeconds());
    assertThat(keyVolumes(clean)).isEmpty();
    assertThat(Serde.json(clean)).doesNotContain("snap-keys").doesNotContain("encryption");
  }

  @Test
  void onlyLogStartOfALogBackupMountsTheLogKey() throws Exception {
    for (String part : List.of("log", "masterKey")) {
      Backup b =
          AgentContractTest.cr(
              Backup.class,
              "Backup",
              "  backupMode: log\n  br: {cluster: c}\n"
                  + S3
                  + "  encryption: {"
                  + part
                  + ": "
                  + key("log-keys", "k2")
                  + "}\n");
      String volume = part.equals("log") ? "encryption-log" : "encryption-master-key";
      Job start = BackupJobBuilder.build(b, LogSubCommand.START, FACTS, JobSettings.defaults());
      assertThat(keyVolumes(start)).isEqualTo(Map.of(volume, List.of("log-keys", "k2")));
      assertThat(keyMounts(start)).containsOnlyKeys(volume);
      secretsOnlyAsVolumes(start, "log-keys");
      for (LogSubCommand other :
          List.of(
              LogSubCommand.STOP,
              LogSubCommand.PAUSE,
              LogSubCommand.RESUME,
              LogSubCommand.TRUNCATE)) {
        Job job = BackupJobBuilder.build(b, other, FACTS, JobSettings.defaults());
        assertThat(keyVolumes(job)).as("%s %s", part, other).isEmpty();
        assertThat(Serde.json(job)).as("%s %s", part, other).doesNotContain("log-keys");
        assertThat(Serde.json(job)).doesNotContain("\\\"encryption\\\"");
      }
    }
  }

  @Test
  void aPitrRestoreAndItsPruneMountBothKeys() throws Exception {
    Restore r =
        AgentContractTest.cr(
            Restore.class,
            "Restore",
            "  restoreMode: pitr\n  prune: afterFailed\n  br: {cluster: c}\n"
                + S3
                + "  pitrFullBackupStorageProvider: {s3: {provider: aws, bucket: b, prefix: f}}\n"
                + "  encryption: {snapshot: "
                + key("snap-keys", "k1")
                + ", masterKey: "
                + key("master-keys", "m")
                + "}\n");
    for (boolean prune : List.of(false, true)) {
      Job job = RestoreJobBuilder.build(r, prune, FACTS, JobSettings.defaults());
      assertThat(keyVolumes(job))
          .isEqualTo(
              Map.of(
                  "encryption-snapshot", List.of("snap-keys", "k1"),
                  "encryption-master-key", List.of("master-keys", "m")));
      assertThat(keyMounts(job))
          .isEqualTo(
              Map.of(
                  "encryption-snapshot", JobEnv.ENCRYPTION_DIR + "/snapshot",
                  "encryption-master-key", JobEnv.ENCRYPTION_DIR + "/master-key"));
      secretsOnlyAsVolumes(job, "snap-keys", "master-keys");
    }
  }

  @Test
  void aSnapshotRestoreReadsNoLogKey() throws Exception {
    // a Restore the validator would refuse (log key on a snapshot restore) still mounts only what
    // br restore full reads
    Restore r =
        AgentContractTest.cr(
            Restore.class,
            "Restore",
            "  br: {cluster: c}\n" + S3 + "  encryption: {log: " + key("log-keys", "k2") + "}\n");
    Job job = RestoreJobBuilder.build(r, false, FACTS, JobSettings.defaults());
    assertThat(keyVolumes(job)).isEmpty();
    assertThat(Serde.json(job)).doesNotContain("log-keys");
  }
}
