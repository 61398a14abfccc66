package io.tidbbackup.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** The operator's log lines (formatted messages of io.tidbbackup loggers) while attached. */
final class OperatorLog extends AppenderBase<ILoggingEvent> {
  private final List<String> lines = new CopyOnWriteArrayList<>();

  void attach() {
    setName("e2e-operator-log");
    start();
    ((Logger) LoggerFactory.getLogger("io.tidbbackup")).addAppender(this);
  }

  void detach() {
    ((Logger) LoggerFactory.getLogger("io.tidbbackup")).detachAppender(this);
    stop();
  }

  @Override
  protected void append(ILoggingEvent e) {
    lines.add(e.getLevel() + " " + e.getFormattedMessage());
  }

  Stream<String> lines() {
    return lines.stream();
  }

  @Override
  public String toString() {
    return String.join("\n", lines);
  }
}
