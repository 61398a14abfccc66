package io.tidbbackup.cli;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.agent.AgentArgs;
import io.tidbbackup.agent.BackupAgent;
import io.tidbbackup.agent.CompactCommand;
import io.tidbbackup.agent.RestoreAgent;
import io.tidbbackup.api.Backup;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.CompactBackup;
import io.tidbbackup.api.CompactSpec;
import io.tidbbackup.api.CrdDefaults;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.LogSubCommand;
import io.tidbbackup.api.Restore;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.job.BackupJobBuilder;
import io.tidbbackup.operator.job.ClusterFacts;
import io.tidbbackup.operator.job.CompactJobBuilder;
import io.tidbbackup.operator.job.JobSettings;
import io.tidbbackup.operator.job.RestoreJobBuilder;
import io.tidbbackup.operator.validation.BackupValidator;
import io.tidbbackup.operator.validation.CompactValidator;
import io.tidbbackup.operator.validation.RestoreValidator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pure rendering of what the operator would create for a Backup or Restore, with no cluster: the
 * Job, or the tool command line its agent would run. Used by {@code render}, and by the golden
 * tests.
 */
public final class Render {

  /** Outcome for one object: the text to print, or the validation message. */
  public record Result(String name, String output, String error) {}

  private Render() {}

  /**
   * The log subcommand a Backup's Job is rendered for: the one its spec asks for (log-start by
   * default).
   */
  public static LogSubCommand logCommand(BackupSpec spec) {
    if (spec.backupMode != BackupMode.LOG) {
      return null;
    }
    if (Boolean.TRUE.equals(spec.logStop)) {
      return LogSubCommand.STOP;
    }
    return spec.logSubcommand == null ? LogSubCommand.START : spec.logSubcommand;
  }

  public static Result backupJob(Backup b, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(b.getSpec()); // as the API server would
    Optional<String> invalid = BackupValidator.validate(b.getSpec(), facts.tikvVersion());
    if (invalid.isPresent()) {
      return new Result(b.getMetadata().getName(), null, invalid.get());
    }
    Job job = BackupJobBuilder.build(b, logCommand(b.getSpec()), facts, settings);
    return new Result(b.getMetadata().getName(), Serde.yaml(job), null);
  }

  public static Result backupCommand(Backup b, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(b.getSpec()); // as the API server would
    Optional<String> invalid = BackupValidator.validate(b.getSpec(), facts.tikvVersion());
    if (invalid.isPresent()) {
      return new Result(b.getMetadata().getName(), null, invalid.get());
    }
    Job job = BackupJobBuilder.build(b, logCommand(b.getSpec()), facts, settings);
    Container main = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = main.getArgs().subList(2, main.getArgs().size());
    BackupSpec spec = Serde.fromJson(envValue(main, JobEnv.SPEC), BackupSpec.class);
    String line = BackupAgent.command(AgentArgs.backup(args, spec), presentEnv(main)).display();
    return new Result(b.getMetadata().getName(), line, null);
  }

  public static Result restoreJob(Restore r, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(r.getSpec()); // as the API server would
    Optional<String> invalid = RestoreValidator.validate(r.getSpec(), facts.tikvVersion());
    if (invalid.isPresent()) {
      return new Result(r.getMetadata().getName(), null, invalid.get());
    }
    return new Result(
        r.getMetadata().getName(),
        Serde.yaml(RestoreJobBuilder.build(r, false, facts, settings)),
        null);
  }

  /**
   * The restore's command line; with {@code prune: afterFailed} also the {@code br abort restore}
   * that may follow.
   */
  public static Result restoreCommand(Restore r, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(r.getSpec()); // as the API server would
    Optional<String> invalid = RestoreValidator.validate(r.getSpec(), facts.tikvVersion());
    if (invalid.isPresent()) {
      return new Result(r.getMetadata().getName(), null, invalid.get());
    }
    StringBuilder out =
        new StringBuilder(restoreLine(RestoreJobBuilder.build(r, false, facts, settings)));
    if (r.getSpec().prune != null) {
      out.append(System.lineSeparator())
          .append("# after a failure: ")
          .append(restoreLine(RestoreJobBuilder.build(r, true, facts, settings)));
    }
    return new Result(r.getMetadata().getName(), out.toString(), null);
  }

  static String restoreLine(Job job) {
    Container main = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = main.getArgs().subList(2, main.getArgs().size());
    RestoreSpec spec = Serde.fromJson(envValue(main, JobEnv.SPEC), RestoreSpec.class);
    return RestoreAgent.command(AgentArgs.restore(args, spec), presentEnv(main)).display();
  }

  public static Result compactJob(CompactBackup c, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(c.getSpec()); // as the API server would
    Optional<String> invalid = CompactValidator.validate(c.getSpec());
    if (invalid.isPresent()) {
      return new Result(c.getMetadata().getName(), null, invalid.get());
    }
    return new Result(
        c.getMetadata().getName(), Serde.yaml(CompactJobBuilder.build(c, facts, settings)), null);
  }

  /** The tikv-ctl command line (of shard 0 in a sharded compaction). */
  public static Result compactCommand(CompactBackup c, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(c.getSpec()); // as the API server would
    Optional<String> invalid = CompactValidator.validate(c.getSpec());
    if (invalid.isPresent()) {
      return new Result(c.getMetadata().getName(), null, invalid.get());
    }
    Container main =
        CompactJobBuilder.build(c, facts, settings)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    CompactSpec spec = Serde.fromJson(envValue(main, JobEnv.SPEC), CompactSpec.class);
    return new Result(
        c.getMetadata().getName(),
        CompactCommand.build(spec, "sharded".equals(spec.mode) ? 0 : null).display(),
        null);
  }

  /** Env vars the container surely has: plain values and non-optional secretKeyRefs. */
  static Set<String> presentEnv(Container c) {
    Set<String> s = new LinkedHashSet<>();
    for (EnvVar e : c.getEnv()) {
      boolean optional =
          e.getValueFrom() != null
              && e.getValueFrom().getSecretKeyRef() != null
              && Boolean.TRUE.equals(e.getValueFrom().getSecretKeyRef().getOptional());
      if ((e.getValue() != null && !e.getValue().isEmpty())
          || (e.getValueFrom() != null && !optional)) {
        s.add(e.getName());
      }
    }
    return s;
  }

  static String envValue(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElseThrow();
  }
}
