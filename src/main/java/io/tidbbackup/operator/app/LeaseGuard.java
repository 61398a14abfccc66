package io.tidbbackup.operator.app;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Fences the writes of a replica that may have lost the leader Lease without knowing it yet: a
 * process stopped (SIGSTOP, a long GC pause, a frozen VM) past the lease resumes with reconciles
 * half done, and its leader elector notices the loss only at its next renew. Every write of the
 * operator's client passes here first; one that comes more than {@link #window} after the last
 * check reads the Lease again, and goes out only if this replica still holds it, with time to spare
 * before it expires. Otherwise the write is refused (never sent) and {@code onLost} runs (the
 * operator command halts the process).
 *
 * <p>The time since the last check is measured with the monotonic clock, so a pause of the whole
 * process always counts. Reads, and the elector's own requests on the Lease, pass unchecked.
 */
public final class LeaseGuard implements Interceptor {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LeaseGuard.class);
  private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

  private final KubernetesClient reader;
  private final String namespace;
  private final String name;
  private final String identity;
  private final Duration window;
  private final Runnable onLost;
  private long verifiedAt;
  private boolean verified;

  /**
   * @param reader a client without this guard, to read the Lease
   * @param identity this replica's identity in the Lease (JOSDK's: the HOSTNAME, the pod's name)
   * @param window how long one check of the Lease stands for
   */
  public LeaseGuard(
      KubernetesClient reader,
      String namespace,
      String name,
      String identity,
      Duration window,
      Runnable onLost) {
    this.reader = reader;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.window = window;
    this.onLost = onLost;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (READS.contains(request.method())
        || request.uri().getPath().startsWith("/apis/coordination.k8s.io/")
        || request.uri().getPath().startsWith("/apis/authorization.k8s.io/")) {
      return;
    }
    if (!permit()) {
      LOG.error(
          "{} {} refused: this replica ({}) no longer holds the leader Lease {}/{}",
          request.method(),
          request.uri().getPath(),
          identity,
          namespace,
          name);
      onLost.run();
      throw new KubernetesClientException(
          "write refused: this replica no longer holds the leader Lease " + namespace + "/" + name);
    }
  }

  /** Whether this replica may write now. */
  synchronized boolean permit() {
    long start = System.nanoTime();
    if (verified && start - verifiedAt < window.toNanos()) {
      return true;
    }
    Lease lease;
    try {
      lease = reader.leases().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot read the leader Lease {}/{}: {}", namespace, name, e.getMessage());
      return false;
    }
    if (!held(lease, identity, Instant.now(), window)) {
      verified = false;
      return false;
    }
    verified = true;
    verifiedAt = start;
    return true;
  }

  /**
   * Whether {@code lease} is held by {@code identity} and will not expire within {@code margin}
   * (its renewTime is written with this replica's own clock).
   */
  static boolean held(Lease lease, String identity, Instant now, Duration margin) {
    if (lease == null || lease.getSpec() == null) {
      return false;
    }
    var spec = lease.getSpec();
    if (!identity.equals(spec.getHolderIdentity())) {
      return false;
    }
    if (spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null) {
      return true;
    }
    Instant expires = spec.getRenewTime().toInstant().plusSeconds(spec.getLeaseDurationSeconds());
    return now.plus(margin).isBefore(expires);
  }
}
