package io.tidbbackup.operator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The watches of FailedCreate events on the CRUD mock API server: a namespace whose Jobs nobody
 * asks about stops being watched, so the watches do not grow with every namespace the operator ever
 * saw. What a watch finds, and that a watched namespace is asked without a list, is tested on the
 * real API server (FailedCreatesIT): the mock does not filter events by these field selectors.
 */
@EnableKubernetesMockClient(crud = true)
class FailedCreatesTest {
  KubernetesClient client;

  @Test
  void aNamespaceNobodyAsksAboutStopsBeingWatched() {
    AtomicLong now = new AtomicLong();
    FailedCreates failed = new FailedCreates(client, now::get);
    failed.watch("a");
    now.addAndGet(Duration.ofMinutes(10).toNanos());
    failed.watch("b");
    assertThat(failed.watched()).containsExactlyInAnyOrder("a", "b");
    now.addAndGet(Duration.ofMinutes(25).toNanos());
    failed.watch("b");
    assertThat(failed.watched()).as("a: 35 minutes without a question").containsExactly("b");
    // asked again, it is watched again
    failed.watch("a");
    assertThat(failed.watched()).containsExactlyInAnyOrder("a", "b");
  }
}
