package io.tidbbackup.operator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a tool Job counts as running: once its tool runs or ran (a ready pod, or one that ended),
 * not as soon as the Job controller has created a pod, which may never start.
 */
class JobObservationTest {
  static final String START = "2026-12-02T10:00:05Z";

  static Job job(JobStatus status) {
    return new JobBuilder()
        .withNewMetadata()
        .withName("backup-b1")
        .withUid("job-uid")
        .endMetadata()
        .withStatus(status)
        .build();
  }

  static JobObservation.State state(JobStatus status) {
    return JobObservation.of(job(status), List.of(), "backup").state();
  }

  @Test
  void aJobWithoutStatusOrWithAPodThatHasNotStartedIsPending() {
    assertThat(state(null)).isEqualTo(JobObservation.State.PENDING);
    // the Job controller sets active and startTime when it creates the pod: Pending,
    // unschedulable and ImagePullBackOff pods look like this
    assertThat(state(new JobStatusBuilder().withActive(1).withStartTime(START).build()))
        .isEqualTo(JobObservation.State.PENDING);
    assertThat(state(new JobStatusBuilder().withActive(1).withReady(0).build()))
        .isEqualTo(JobObservation.State.PENDING);
  }

  @Test
  void aReadyPodOrOneThatEndedMakesItRunningWithTheJobsStartTime() {
    JobObservation ready =
        JobObservation.of(
            job(new JobStatusBuilder().withActive(1).withReady(1).withStartTime(START).build()),
            List.of(),
            "backup");
    assertThat(ready.state()).isEqualTo(JobObservation.State.RUNNING);
    assertThat(ready.startTime()).isEqualTo(START);
    // a first pod failed and the Job retries with a new one that has not started yet: the tool ran
    assertThat(
            state(new JobStatusBuilder().withActive(1).withFailed(1).withStartTime(START).build()))
        .isEqualTo(JobObservation.State.RUNNING);
    // the pod succeeded before any reconcile saw it ready; the Job is not Complete yet
    assertThat(state(new JobStatusBuilder().withSucceeded(1).withStartTime(START).build()))
        .isEqualTo(JobObservation.State.RUNNING);
  }

  @Test
  void conditionsDecideTheEnd() {
    var complete =
        new JobConditionBuilder()
            .withType("Complete")
            .withStatus("True")
            .withLastTransitionTime("2026-12-02T10:03:00Z")
            .build();
    var failed =
        new JobConditionBuilder()
            .withType("Failed")
            .withStatus("True")
            .withReason("BackoffLimitExceeded")
            .withLastTransitionTime("2026-12-02T10:04:00Z")
            .build();
    JobObservation done =
        JobObservation.of(
            job(new JobStatusBuilder().withSucceeded(1).withConditions(complete).build()),
            List.of(),
            "backup");
    assertThat(done.state()).isEqualTo(JobObservation.State.SUCCEEDED);
    assertThat(done.completionTime()).isEqualTo("2026-12-02T10:03:00Z");
    JobObservation lost =
        JobObservation.of(
            job(new JobStatusBuilder().withFailed(1).withConditions(failed).build()),
            List.of(),
            "backup");
    assertThat(lost.state()).isEqualTo(JobObservation.State.FAILED);
    assertThat(lost.failure()).contains("BackoffLimitExceeded");
  }
}
