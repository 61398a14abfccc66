package io.tidbbackup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: compares text with a committed file. Run with {@code -Dgolden.update=true} to
 * rewrite them (then review the diff). A missing golden file fails the test; it is never created
 * silently in CI.
 */
public final class Golden {
  public static final boolean UPDATE = Boolean.getBoolean("golden.update");

  private Golden() {}

  public static void check(Path golden, String actual) throws IOException {
    if (UPDATE) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual);
      return;
    }
    assertThat(golden)
        .as("golden file %s (run mvn test -Dgolden.update=true to create it)", golden)
        .exists();
    assertThat(actual)
        .as("output differs from %s (run with -Dgolden.update=true and review the diff)", golden)
        .isEqualTo(Files.readString(golden));
  }
}
