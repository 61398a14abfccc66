package io.tidbbackup.operator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Why a tool Job's pod has not started, and what a reconcile makes of it: pure, by example. */
class StartProblemTest {
  static final Instant JOB_CREATED = Instant.parse("2026-12-02T10:00:00Z");
  static final Instant POD_CREATED = Instant.parse("2026-12-02T10:00:05Z");

  static Job job() {
    return new JobBuilder()
        .withNewMetadata()
        .withName("backup-b1")
        .withNamespace("tidb")
        .withUid("job-uid")
        .withCreationTimestamp(JOB_CREATED.toString())
        .endMetadata()
        .withNewStatus()
        .withActive(1)
        .endStatus()
        .build();
  }

  static PodBuilder pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("backup-b1-x7k2p")
        .withCreationTimestamp(POD_CREATED.toString())
        .addNewOwnerReference()
        .withUid("job-uid")
        .withKind("Job")
        .withName("backup-b1")
        .withController(true)
        .endOwnerReference()
        .endMetadata();
  }

  static Pod waiting(String container, boolean init, String reason, String message) {
    var cs =
        new ContainerStatusBuilder()
            .withName(container)
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .build();
    var b = pod().withNewStatus().withPhase("Pending");
    return (init ? b.withInitContainerStatuses(cs) : b.withContainerStatuses(cs))
        .endStatus()
        .build();
  }

  @Test
  void noPodAndAFailedCreateEventNamesTheCause() {
    StartProblem p =
        StartProblem.of(
            job(),
            List.of(),
            "pods \"backup-b1-\" is forbidden: error looking up service account tidb/nope");
    assertThat(p.reason()).isEqualTo("FailedCreate");
    assertThat(p.known()).isTrue();
    assertThat(p.since()).isEqualTo(JOB_CREATED);
    assertThat(p.message()).contains("Job backup-b1 cannot create its pod", "tidb/nope");
    StartProblem none = StartProblem.of(job(), List.of(), null);
    assertThat(none.reason()).isEqualTo("NoPod");
    assertThat(none.known()).isFalse();
  }

  @Test
  void aWaitingReasonThatDoesNotPassByItselfIsTheCauseInitContainersIncluded() {
    StartProblem p =
        StartProblem.of(
            job(),
            List.of(waiting("br", true, "ImagePullBackOff", "Back-off pulling image \"br:v9\"")),
            null);
    assertThat(p.reason()).isEqualTo("ImagePullBackOff");
    assertThat(p.since()).isEqualTo(POD_CREATED);
    assertThat(p.message())
        .isEqualTo(
            "pod backup-b1-x7k2p, container br: ImagePullBackOff: Back-off pulling image \"br:v9\"");
    assertThat(
            StartProblem.of(
                    job(),
                    List.of(
                        waiting(
                            "backup",
                            false,
                            "CreateContainerConfigError",
                            "secret \"s3\" not found")),
                    null)
                .reason())
        .isEqualTo("CreateContainerConfigError");
    // ContainerCreating passes by itself: only Pending
    assertThat(
            StartProblem.of(job(), List.of(waiting("backup", false, "ContainerCreating", "")), null)
                .reason())
        .isEqualTo("Pending");
  }

  @Test
  void anUnschedulablePodSaysWhy() {
    Pod pod =
        pod()
            .withNewStatus()
            .withPhase("Pending")
            .withConditions(
                new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withMessage("0/3 nodes are available: 3 Insufficient memory.")
                    .build())
            .endStatus()
            .build();
    StartProblem p = StartProblem.of(job(), List.of(pod), null);
    assertThat(p.reason()).isEqualTo("Unschedulable");
    assertThat(p.message()).contains("Insufficient memory");
  }

  @Test
  void aRunningReadyOrFinishedJobHasNoProblem() {
    Pod running = pod().withNewStatus().withPhase("Running").endStatus().build();
    assertThat(StartProblem.of(job(), List.of(running), null)).isNull();
    Job ready = job();
    ready.getStatus().setReady(1);
    assertThat(StartProblem.of(ready, List.of(), null)).isNull();
    Job failed = job();
    failed
        .getStatus()
        .setConditions(
            List.of(new JobConditionBuilder().withType("Failed").withStatus("True").build()));
    assertThat(StartProblem.of(failed, List.of(), null)).isNull();
    // another Job's pod is not this Job's
    Pod foreign =
        new PodBuilder(waiting("br", true, "ImagePullBackOff", "x"))
            .editMetadata()
            .editFirstOwnerReference()
            .withUid("other")
            .endOwnerReference()
            .endMetadata()
            .build();
    assertThat(StartProblem.of(job(), List.of(foreign), null).reason()).isEqualTo("NoPod");
  }

  @Test
  void theWatchShowsKnownCausesAtOnceUnknownOnesAfterAGraceAndExpiresAtTheDeadline() {
    Duration deadline = Duration.ofMinutes(15);
    StartProblem known = new StartProblem("ImagePullBackOff", "m", POD_CREATED, true);
    StartWatch early = StartWatch.of(known, deadline, POD_CREATED.plusSeconds(10));
    assertThat(early.show()).isTrue();
    assertThat(early.expired()).isFalse();
    assertThat(early.deadline()).isEqualTo(POD_CREATED.plus(deadline));
    assertThat(early.recheck(Duration.ofSeconds(15), POD_CREATED.plusSeconds(10)))
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(early.recheck(Duration.ofSeconds(15), POD_CREATED.plus(deadline).minusSeconds(3)))
        .isEqualTo(Duration.ofMillis(3100));
    assertThat(early.condition("backup").message)
        .isEqualTo("m; the backup fails at 2026-12-02T10:15:05Z unless it starts");
    assertThat(StartWatch.of(known, deadline, POD_CREATED.plus(deadline)).expired()).isTrue();

    StartProblem pending = new StartProblem("Pending", "pod p is Pending", POD_CREATED, false);
    assertThat(StartWatch.of(pending, deadline, POD_CREATED.plusSeconds(30)).show()).isFalse();
    assertThat(StartWatch.of(pending, deadline, POD_CREATED.plus(StartWatch.UNNAMED_GRACE)).show())
        .isTrue();
    assertThat(StartWatch.of(null, deadline, POD_CREATED)).isNull();
  }

  @Test
  void aJobYoungerThanTheFirstLookHasItsPodsLeftUnreadAndNothingSaid() {
    StartProblem young =
        StartProblem.unread(job(), JOB_CREATED.plusSeconds(3), Duration.ofMinutes(10));
    assertThat(young.known()).isFalse();
    assertThat(young.since()).isEqualTo(JOB_CREATED);
    assertThat(young.message()).contains("backup-b1", "not looked at yet");
    StartWatch w = StartWatch.of(young, Duration.ofMinutes(10), JOB_CREATED.plusSeconds(3));
    assertThat(w.show()).isFalse();
    // the pods are worth reading at the first look: the reconcile comes back then, not a poll later
    assertThat(young.unread()).isTrue();
    assertThat(w.recheck(Duration.ofSeconds(15), JOB_CREATED.plusSeconds(3)))
        .isEqualTo(StartProblem.FIRST_LOOK.minusSeconds(3).plusMillis(100));
    assertThat(w.expired()).isFalse();

    assertThat(
            StartProblem.unread(
                job(), JOB_CREATED.plus(StartProblem.FIRST_LOOK), Duration.ofMinutes(10)))
        .isNull();
  }

  @Test
  void aStartDeadlineShorterThanTheFirstLookHasThePodsReadByThen() {
    assertThat(StartProblem.unread(job(), JOB_CREATED.plusSeconds(1), Duration.ofSeconds(2)))
        .isNotNull();
    assertThat(StartProblem.unread(job(), JOB_CREATED.plusSeconds(2), Duration.ofSeconds(2)))
        .isNull();
  }
}
