package io.tidbbackup.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The logging of every process of the jar (operator, agent, render), set up in code when logback
 * starts (found through {@code META-INF/services}): no configuration file is parsed, which an
 * agent's start would pay for. Lines go to stderr, so that {@code render} and {@code agent} keep
 * stdout for their output; {@code LOG_FORMAT=json} (the chart's {@code logFormat: json}) makes them
 * one JSON object each; {@code LOG_LEVEL} sets the root level (default INFO). A user's own file
 * ({@code -Dlogback.configurationFile}) still wins.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** A reconcile's line names its object (JOSDK's MDC): {@code [Backup tidb/nightly-1]}. */
  static final String PATTERN =
      "%d{HH:mm:ss.SSS} %-5level %logger{36} %replace([%X{resource.kind}"
          + " %X{resource.namespace}/%X{resource.name}] ){'^\\[ /\\] $', ''}- %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(ctx, "json".equalsIgnoreCase(System.getenv("LOG_FORMAT")), System.getenv("LOG_LEVEL"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void apply(LoggerContext ctx, boolean json, String level) {
    Encoder<ILoggingEvent> encoder = json ? json(ctx) : text(ctx);
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(ctx);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ctx.getLogger("io.fabric8").setLevel(Level.WARN);
    // fabric8 warns on every use of a v1alpha1 resource: TiDB Operator's API is v1alpha1, and stays
    ctx.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")
        .setLevel(Level.ERROR);
    ctx.getLogger("io.javaoperatorsdk").setLevel(Level.INFO);
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(stderr);
  }

  private static Encoder<ILoggingEvent> text(LoggerContext ctx) {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern(PATTERN);
    e.start();
    return e;
  }

  /** One object per line; a reconcile's object as fields resource.kind, .namespace, .name. */
  private static Encoder<ILoggingEvent> json(LoggerContext ctx) {
    JsonEncoder e = new JsonEncoder();
    e.setContext(ctx);
    e.setWithFormattedMessage(true);
    e.setWithMessage(false);
    e.setWithArguments(false);
    e.setWithContext(false);
    e.setWithSequenceNumber(false);
    e.setWithMDC(true);
    e.setWithNanoseconds(false);
    e.start();
    return e;
  }
}
