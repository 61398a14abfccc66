package io.tidbbackup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.tidbbackup.controlplane.LocalCluster;
import io.tidbbackup.operator.run.FailedCreates;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Job controller's FailedCreate events on the real API server, which keeps no watch cache of
 * events (every list reads all of a namespace's events from etcd): once a namespace is watched,
 * asking why a Job has no pod sends no request at all, and a FailedCreate that comes later arrives
 * by the watch.
 */
class FailedCreatesIT {

  /** Counts the event lists a client sends (a watch's requests are not lists). */
  static final class EventLists implements Interceptor {
    final AtomicInteger lists = new AtomicInteger();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      String uri = request.uri().toString();
      if ("GET".equals(request.method())
          && uri.contains("/events")
          && !uri.contains("watch=true")) {
        lists.incrementAndGet();
      }
    }
  }

  static Job job(String ns, String name) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withNewTemplate()
        .withNewSpec()
        .withRestartPolicy("Never")
        // ServiceAccount admission refuses the pod: the Job controller says FailedCreate
        .withServiceAccountName("no-such-account")
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void aWatchedNamespaceIsAskedWithoutAList() throws Exception {
    LocalCluster cluster = LocalCluster.get();
    String ns = cluster.namespace("failed-creates");
    EventLists counter = new EventLists();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(cluster.admin.getConfiguration())
            .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", counter))
            .build()) {
      FailedCreates failed = new FailedCreates(client);
      Job first = cluster.admin.resource(job(ns, "first")).create();
      failed.watch(ns);
      await()
          .atMost(E2E.WAIT)
          .until(() -> failed.latest(first), m -> m != null && m.contains("no-such-account"));

      int before = counter.lists.get();
      for (int i = 0; i < 20; i++) {
        assertThat(failed.latest(first)).contains("no-such-account");
      }
      Job second = cluster.admin.resource(job(ns, "second")).create();
      await()
          .atMost(E2E.WAIT)
          .until(() -> failed.latest(second), m -> m != null && m.contains("no-such-account"));
      assertThat(counter.lists.get())
          .as("event lists once the namespace is watched")
          .isEqualTo(before);
      // a Job without any FailedCreate has none, by the watch as well
      Job unknown =
          new JobBuilder(first).editMetadata().withUid("no-such-uid").endMetadata().build();
      assertThat(failed.latest(unknown)).isNull();
      assertThat(counter.lists.get()).isEqualTo(before);
    }
  }
}
