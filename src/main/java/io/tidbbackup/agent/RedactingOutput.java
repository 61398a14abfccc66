package io.tidbbackup.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An output stream that passes text on line by line, each line redacted. Whatever an agent prints,
 * an SDK's exception message or a stack trace included, goes through it: {@link #install} puts it
 * under {@code System.out} and {@code System.err} before an agent starts.
 *
 * <p>A partial line is held until its newline (a flush does not release it, so a secret is never
 * split across two writes); a line longer than {@link #MAX_LINE} bytes is released redacted as it
 * stands.
 */
public final class RedactingOutput extends OutputStream {
  static final int MAX_LINE = 64 * 1024;

  private final OutputStream target;
  private final Redactor redactor;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  public RedactingOutput(OutputStream target, Redactor redactor) {
    this.target = target;
    this.redactor = redactor;
  }

  /** A PrintStream (UTF-8, flushed on each line) that redacts what it prints. */
  public static PrintStream printStream(OutputStream target, Redactor redactor) {
    return new PrintStream(new RedactingOutput(target, redactor), true, StandardCharsets.UTF_8);
  }

  /**
   * Redacts {@code System.out} and {@code System.err} of this process with every credential value
   * in {@code env}.
   */
  public static void install(Map<String, String> env) {
    Redactor r = new Redactor(AgentEnvironment.secretValues(env));
    System.setOut(printStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), r));
    System.setErr(printStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), r));
  }

  @Override
  public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n' || line.size() >= MAX_LINE) {
      release();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  private void release() throws IOException {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    boolean newline = text.endsWith("\n");
    String body = newline ? text.substring(0, text.length() - 1) : text;
    target.write(redactor.redact(body).getBytes(StandardCharsets.UTF_8));
    if (newline) {
      target.write('\n');
    }
    target.flush();
  }

  @Override
  public synchronized void flush() throws IOException {
    target.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    if (line.size() > 0) {
      release();
    }
    target.close();
  }
}
