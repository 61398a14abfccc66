package io.tidbbackup.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.tidbbackup.api.Backup;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One Event per object and cause: a repeat raises its count; another cause is another Event. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {
  KubernetesClient client;

  static Backup backup(String uid) {
    Backup b = new Backup();
    b.getMetadata().setName("b1");
    b.getMetadata().setNamespace("tidb");
    b.getMetadata().setUid(uid);
    return b;
  }

  List<Event> events() {
    return client.v1().events().inNamespace("tidb").list().getItems().stream()
        .sorted(Comparator.comparing(e -> e.getMessage()))
        .toList();
  }

  @Test
  void theSameCauseAgainRaisesTheCountOfItsOneEvent() {
    EventRecorder r =
        new EventRecorder(
            client, Clock.fixed(Instant.parse("2026-12-07T20:00:00Z"), ZoneOffset.UTC));
    Backup b = backup("uid-1");
    for (int i = 0; i < 3; i++) {
      r.record(b, EventType.WARNING, Reason.PodNotStarted, "pod p: ImagePullBackOff");
    }
    r.record(b, EventType.WARNING, Reason.PodNotStarted, "pod p: CreateContainerConfigError");
    r.record(b, EventType.NORMAL, Reason.PodNotStarted, "pod p: ImagePullBackOff");

    List<Event> events = events();
    assertThat(events).hasSize(3);
    Event pull =
        events.stream()
            .filter(e -> e.getType().equals("Warning") && e.getMessage().contains("Pull"))
            .findFirst()
            .orElseThrow();
    assertThat(pull.getCount()).isEqualTo(3);
    assertThat(pull.getReason()).isEqualTo("PodNotStarted");
    assertThat(events)
        .filteredOn(e -> e != pull)
        .allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void anotherObjectOfTheSameNameIsAnotherEventAndAGoneEventIsMadeAgain() {
    EventRecorder r = new EventRecorder(client, Clock.systemUTC());
    r.record(backup("uid-1"), EventType.WARNING, Reason.PodNotStarted, "stuck");
    r.record(backup("uid-2"), EventType.WARNING, Reason.PodNotStarted, "stuck");
    assertThat(events()).hasSize(2);

    // the API server's event TTL removed it: the next occurrence makes a new Event
    client.v1().events().inNamespace("tidb").delete();
    r.record(backup("uid-1"), EventType.WARNING, Reason.PodNotStarted, "stuck");
    assertThat(events()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
  }
}
