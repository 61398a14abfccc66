package io.tidbbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The operator's two log formats, as {@link LogSetup} sets them up: a reconcile's line names the
 * object (JOSDK puts it in the MDC) as {@code [Backup tidb/b1]} in text and as fields in JSON;
 * fabric8's warning on every use of a v1alpha1 resource is not printed.
 */
class LogFormatTest {
  final PrintStream stderr = System.err;

  @AfterEach
  void restore() throws Exception {
    System.setErr(stderr);
    configure(false);
  }

  static void configure(boolean json) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    LogSetup.apply(ctx, json, null);
  }

  String logLines(boolean json) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    configure(json);
    var log = LoggerFactory.getLogger("io.tidbbackup.operator.status.EventRecorder");
    MDC.put("resource.kind", "Backup");
    MDC.put("resource.namespace", "tidb");
    MDC.put("resource.name", "b1");
    try {
      log.info("Backup tidb/b1 JobCreated: created Job backup-b1");
    } finally {
      MDC.clear();
    }
    log.info("operator started");
    LoggerFactory.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")
        .warn("The client is using resource type 'backups' with unstable version 'v1alpha1'");
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void textNamesTheObjectOfAReconcile() throws Exception {
    String out = logLines(false);
    assertThat(out)
        .contains("EventRecorder [Backup tidb/b1] - Backup tidb/b1 JobCreated")
        .contains("EventRecorder - operator started")
        .doesNotContain("[ /]")
        .doesNotContain("unstable version");
  }

  @Test
  void jsonCarriesTheObjectAsFields() throws Exception {
    String out = logLines(true);
    String first = out.lines().findFirst().orElseThrow();
    assertThat(first)
        .contains("\"resource.kind\":\"Backup\"")
        .contains("\"resource.namespace\":\"tidb\"")
        .contains("\"resource.name\":\"b1\"")
        .contains("JobCreated");
    assertThat(out.lines()).hasSize(2);
    assertThat(out).doesNotContain("unstable version");
  }
}
