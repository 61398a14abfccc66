package io.tidbbackup.cli;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.tidbbackup.agent.AgentArgs;
import io.tidbbackup.agent.BackupAgent;
import io.tidbbackup.agent.CompactCommand;
import io.tidbbackup.agent.RestoreAgent;
import io.tidbbackup.agent.ToolLines;
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
import io.tidbbackup.tools.RefusedLine;
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
    Line line = backupLine(job);
    return line.refusal != null
        ? new Result(b.getMetadata().getName(), null, line.refusal)
        : new Result(b.getMetadata().getName(), Serde.yaml(job), null);
  }

  public static Result backupCommand(Backup b, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(b.getSpec()); // as the API server would
    Optional<String> invalid = BackupValidator.validate(b.getSpec(), facts.tikvVersion());
    if (invalid.isPresent()) {
      return new Result(b.getMetadata().getName(), null, invalid.get());
    }
    Line line = backupLine(BackupJobBuilder.build(b, logCommand(b.getSpec()), facts, settings));
    return new Result(b.getMetadata().getName(), line.output(), line.refusal);
  }

  /**
   * A Job's command line as its agent builds it, and the refusal of the tool release it runs
   * (tools/*.tsv), or null.
   */
  record Line(String display, String refusal) {
    String output() {
      return refusal == null ? display : null;
    }

    static Line of(io.tidbbackup.agent.ToolCommand cmd, String toolVersion) {
      try {
        ToolLines.parse(cmd, toolVersion);
        return new Line(cmd.display(), null);
      } catch (RefusedLine e) {
        return new Line(cmd.display(), e.getMessage() + ": " + cmd.display());
      }
    }
  }

  static Line backupLine(Job job) {
    Container main = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = main.getArgs().subList(2, main.getArgs().size());
    BackupSpec spec = Serde.fromJson(envValue(main, JobEnv.SPEC), BackupSpec.class);
    var inv = AgentArgs.backup(args, spec);
    return Line.of(BackupAgent.command(inv, presentEnv(main)), inv.toolVersion());
  }

  public static Result restoreJob(Restore r, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(r.getSpec()); // as the API server would
    Optional<String> invalid = RestoreValidator.validate(r.getSpec(), facts.tikvVersion());
    if (invalid.isPresent()) {
      return new Result(r.getMetadata().getName(), null, invalid.get());
    }
    Job job = RestoreJobBuilder.build(r, false, facts, settings);
    String refusal = restoreLines(r, job, facts, settings).refusal;
    return refusal != null
        ? new Result(r.getMetadata().getName(), null, refusal)
        : new Result(r.getMetadata().getName(), Serde.yaml(job), null);
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
    Line lines =
        restoreLines(r, RestoreJobBuilder.build(r, false, facts, settings), facts, settings);
    return new Result(r.getMetadata().getName(), lines.output(), lines.refusal);
  }

  /** The restore's line and, with {@code prune}, the {@code br abort restore} that may follow. */
  static Line restoreLines(Restore r, Job job, ClusterFacts facts, JobSettings settings) {
    Line run = restoreLine(job);
    if (run.refusal != null || r.getSpec().prune == null) {
      return run;
    }
    Line prune = restoreLine(RestoreJobBuilder.build(r, true, facts, settings));
    return new Line(
        run.display + System.lineSeparator() + "# after a failure: " + prune.display,
        prune.refusal);
  }

  static Line restoreLine(Job job) {
    Container main = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> args = main.getArgs().subList(2, main.getArgs().size());
    RestoreSpec spec = Serde.fromJson(envValue(main, JobEnv.SPEC), RestoreSpec.class);
    var inv = AgentArgs.restore(args, spec);
    return Line.of(RestoreAgent.command(inv, presentEnv(main)), inv.toolVersion());
  }

  public static Result compactJob(CompactBackup c, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(c.getSpec()); // as the API server would
    Optional<String> invalid =
        CompactValidator.validate(c.getSpec())
            .or(() -> CompactValidator.validateTool(c.getSpec(), facts.tikvVersion()));
    if (invalid.isPresent()) {
      return new Result(c.getMetadata().getName(), null, invalid.get());
    }
    return new Result(
        c.getMetadata().getName(), Serde.yaml(CompactJobBuilder.build(c, facts, settings)), null);
  }

  /** The tikv-ctl command line (of shard 0 in a sharded compaction). */
  public static Result compactCommand(CompactBackup c, ClusterFacts facts, JobSettings settings) {
    CrdDefaults.apply(c.getSpec()); // as the API server would
    Optional<String> invalid =
        CompactValidator.validate(c.getSpec())
            .or(() -> CompactValidator.validateTool(c.getSpec(), facts.tikvVersion()));
    if (invalid.isPresent()) {
      return new Result(c.getMetadata().getName(), null, invalid.get());
    }
    var pod = CompactJobBuilder.build(c, facts, settings).getSpec().getTemplate().getSpec();
    Container main = pod.getContainers().get(0);
    String toolImage = pod.getInitContainers().get(0).getImage();
    CompactSpec spec = Serde.fromJson(envValue(main, JobEnv.SPEC), CompactSpec.class);
    String version = io.tidbbackup.tools.ToolVersion.ofImage(toolImage, facts.tikvVersion());
    Line line =
        Line.of(
            CompactCommand.build(spec, "sharded".equals(spec.mode) ? 0 : null, version), version);
    return new Result(c.getMetadata().getName(), line.output(), line.refusal);
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
