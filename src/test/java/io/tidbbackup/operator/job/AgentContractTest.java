package io.tidbbackup.operator.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.agent.AgentArgs;
import io.tidbbackup.api.AgentProtocol;
import io.tidbbackup.api.AgentResult;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.CleanReport;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.run.JobObservation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both sides of the operator↔agent contract use {@link AgentProtocol}: what one writes, the other
 * reads.
 */
class AgentContractTest {
  static final String S3 = "  s3: {provider: aws, bucket: b, prefix: p, secretName: s}\n";

  static <T> T cr(Class<T> type, String kind, String spec) throws Exception {
    T cr =
        Serde.YAML.readValue(
            "apiVersion: pingcap.com/v1alpha1\nkind: "
                + kind
                + "\nmetadata: {name: x, namespace: "
                + "ns, uid: u1}\nspec:\n"
                + spec,
            type);
    io.tidbbackup.api.CrdDefaults.apply(
        ((io.fabric8.kubernetes.client.CustomResource<?, ?>) cr).getSpec());
    return cr;
  }

  static List<String> agentArgs(Job job) {
    List<String> args = job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    return args.subList(2, args.size()); // after "agent <subcommand>"
  }

  @Test
  void everyArgumentTheJobBuildersWriteTheAgentParses() throws Exception {
    ClusterFacts tls = new ClusterFacts("v8.5.0", true);
    Backup br = cr(Backup.class, "Backup", "  br: {cluster: c}\n" + S3);
    assertThat(
            AgentArgs.backup(
                    agentArgs(BackupJobBuilder.build(br, null, tls, JobSettings.defaults())),
                    br.getSpec())
                .name())
        .isEqualTo("x");
    var log =
        AgentArgs.backup(
            agentArgs(
                BackupJobBuilder.build(br, LogSubCommand.TRUNCATE, tls, JobSettings.defaults())),
            br.getSpec());
    assertThat(log.logSubcommand()).isEqualTo(LogSubCommand.TRUNCATE);
    Backup dumpling =
        cr(
            Backup.class,
            "Backup",
            "  from: {host: h, secretName: s, tlsClientSecretName: t}\n" + S3);
    assertThat(
            AgentArgs.backup(
                    agentArgs(BackupJobBuilder.build(dumpling, null, tls, JobSettings.defaults())),
                    dumpling.getSpec())
                .outputName())
        .startsWith("backup-");
    Restore rt =
        cr(
            Restore.class,
            "Restore",
            "  br: {cluster: c}\n  restoreMode: pitr\n  logRestoreStartTs: '1'\n" + S3);
    var prune =
        AgentArgs.restore(
            agentArgs(RestoreJobBuilder.build(rt, true, tls, JobSettings.defaults())),
            rt.getSpec());
    assertThat(prune.abort()).isTrue();
    assertThat(prune.clusterTls()).isTrue();
  }

  @Test
  void theCleanProgressLineReadsBackAndTheLastOneCounts() {
    String log =
        "agent: cleaning s3://b/p\n"
            + new AgentProtocol.CleanProgress(1000, 0, 0).line()
            + "\n"
            + new AgentProtocol.CleanProgress(2500, 2000, 3).line()
            + "\nother output\n";
    assertThat(AgentProtocol.CleanProgress.last(log))
        .isEqualTo(new AgentProtocol.CleanProgress(2500, 2000, 3));
    assertThat(AgentProtocol.CleanProgress.last("no progress here")).isNull();
  }

  @Test
  void aCleansTerminationMessageIsTheOneResultTypeWithItsReport() {
    CleanReport verified =
        new CleanReport(5, 5, 0, new CleanReport.Requests(2, 1), 0.1, 1, true, null, null, null);
    AgentResult read =
        JobObservation.parse(
            new ContainerStateTerminatedBuilder()
                .withExitCode(0)
                .withMessage(Serde.json(AgentProtocol.cleanResult(verified)))
                .build());
    assertThat(read.success).isTrue();
    assertThat(read.clean).isEqualTo(verified);

    CleanReport left =
        new CleanReport(
            5,
            3,
            2,
            new CleanReport.Requests(4, 2),
            0.1,
            3,
            false,
            null,
            null,
            "2 object(s) remain");
    AgentResult failed = AgentProtocol.cleanResult(left);
    assertThat(failed.success).isFalse();
    assertThat(failed.exitCode).isEqualTo(1);
    assertThat(failed.error).isEqualTo("2 object(s) remain");

    AgentResult refused = AgentProtocol.refusal("outside the prefix");
    assertThat(refused.exitCode).isEqualTo(AgentProtocol.REFUSED);
    assertThat(refused.clean).isNull();
  }
}
