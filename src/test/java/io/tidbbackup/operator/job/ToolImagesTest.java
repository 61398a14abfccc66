package io.tidbbackup.operator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.Backup;
import io.tidbbackup.api.Restore;
import org.junit.jupiter.api.Test;

/**
 * The tool images of the Jobs: PingCAP's own by default, the same repositories under a mirror when
 * the operator is told one (an air-gapped cluster), and spec.toolImage before either.
 */
class ToolImagesTest {
  static final ClusterFacts FACTS = new ClusterFacts("v8.5.0", false);

  static String initImage(io.fabric8.kubernetes.api.model.batch.v1.Job job) {
    return job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage();
  }

  @Test
  void defaultImagesComeFromTheMirrorWhenOneIsSet() throws Exception {
    JobSettings mirror =
        new JobSettings(
            "agent:1",
            "IfNotPresent",
            JobSettings.DEFAULT_POD_START_DEADLINE,
            null,
            "reg.local/mirror/");
    Backup br =
        AgentContractTest.cr(Backup.class, "Backup", "  br: {cluster: c}\n" + AgentContractTest.S3);
    Backup dumpling =
        AgentContractTest.cr(
            Backup.class, "Backup", "  from: {host: h, secretName: s}\n" + AgentContractTest.S3);
    Restore lightning =
        AgentContractTest.cr(
            Restore.class, "Restore", "  to: {host: h, secretName: s}\n" + AgentContractTest.S3);
    assertThat(initImage(BackupJobBuilder.build(br, null, FACTS, JobSettings.defaults())))
        .isEqualTo("pingcap/br:v8.5.0");
    assertThat(initImage(BackupJobBuilder.build(br, null, FACTS, mirror)))
        .isEqualTo("reg.local/mirror/pingcap/br:v8.5.0");
    assertThat(initImage(BackupJobBuilder.build(dumpling, null, FACTS, mirror)))
        .isEqualTo("reg.local/mirror/pingcap/dumpling:v8.5.0");
    assertThat(initImage(RestoreJobBuilder.build(lightning, false, FACTS, mirror)))
        .isEqualTo("reg.local/mirror/pingcap/tidb-lightning:v8.5.0");
    Backup own =
        AgentContractTest.cr(
            Backup.class,
            "Backup",
            "  toolImage: mine/br:v7\n  br: {cluster: c}\n" + AgentContractTest.S3);
    assertThat(initImage(BackupJobBuilder.build(own, null, FACTS, mirror))).isEqualTo("mine/br:v7");
  }
}
