package io.tidbbackup.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

/** A reconcile's error as a condition: the API server's own words, the same for the same error. */
class ReconcileErrorsTest {

  @Test
  void anApiErrorWrappedByTheFrameworkIsNamedByItsCodeAndMessage() {
    var api =
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(403)
                .withMessage("jobs.batch \"backup-b1\" is forbidden: exceeded quota: no-jobs")
                .build());
    var wrapped = new RuntimeException("reconcile failed", new IllegalStateException(api));
    var c = ReconcileErrors.condition(wrapped);
    assertThat(c.type).isEqualTo("ReconcileError");
    assertThat(c.status).isEqualTo("True");
    assertThat(c.reason).isEqualTo("ApiError");
    assertThat(c.message)
        .isEqualTo(
            "the API server answered HTTP 403: jobs.batch \"backup-b1\" is forbidden: exceeded"
                + " quota: no-jobs");
    assertThat(ReconcileErrors.condition(wrapped).message).isEqualTo(c.message);
  }

  @Test
  void anythingElseIsAnInternalErrorOnOneBoundedLine() {
    var c =
        ReconcileErrors.condition(
            new IllegalStateException("line one\nline two " + "x".repeat(900)));
    assertThat(c.reason).isEqualTo("InternalError");
    assertThat(c.message).startsWith("IllegalStateException: line one line two").hasSize(513);
  }
}
