package io.tidbbackup.operator.backup.clean;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which clean failures stop the retries. */
class CleanFailuresTest {

  @Test
  void anAgentRefusalIsTerminalWhateverItSays() {
    assertThat(CleanFailures.terminal(2, null)).contains("refused");
  }

  @Test
  void deniedAccessAndMissingBucketsAreTerminal() {
    assertThat(CleanFailures.terminal(1, "Access Denied (Service: S3, Status Code: 403)"))
        .contains("denied");
    assertThat(CleanFailures.terminal(1, "NoSuchBucket: The specified bucket does not exist"))
        .contains("bucket");
    assertThat(CleanFailures.terminal(1, "Status code 404, ContainerNotFound"))
        .contains("container");
    assertThat(CleanFailures.terminal(1, "AuthorizationPermissionMismatch")).contains("denied");
  }

  @Test
  void whatARetryMayFixIsNot() {
    assertThat(CleanFailures.terminal(1, "3 object(s) remain under s3://bkt/p after 5 round(s)"))
        .isNull();
    assertThat(
            CleanFailures.terminal(
                1, "SlowDown: Please reduce your request rate (Status Code: 503)"))
        .isNull();
    assertThat(CleanFailures.terminal(null, "container exited with code 137 (OOMKilled)")).isNull();
    assertThat(CleanFailures.terminal(null, null)).isNull();
  }
}
