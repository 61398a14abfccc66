package io.tidbbackup.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tidbbackup.api.Timestamps;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events on our objects, one per object and cause: the same type, reason and
 * message on the same object again raises the count and last timestamp of the Event made before (as
 * client-go's event correlator does), so that a cause said on every reconcile is one Event, not one
 * per reconcile. A failure to record is logged, never thrown.
 */
public class EventRecorder {
  static final String COMPONENT = "tidb-backup-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;
  private final AtomicLong seq = new AtomicLong();

  /** An Event made, and how often its cause was said. */
  private record Made(String name, int count) {}

  /** The Events made lately, by object and cause (the oldest forgotten first). */
  private final Map<String, Made> made =
      Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Made> eldest) {
              return size() > MAX_REMEMBERED;
            }
          });

  static final int MAX_REMEMBERED = 4096;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(HasMetadata obj, EventType type, Reason reason, String message) {
    record(obj, type, reason.name(), message);
  }

  /**
   * The same, with the reason as read back from a condition (the status writer announcing a phase).
   */
  void record(HasMetadata obj, EventType type, String reason, String message) {
    String now = Timestamps.format(clock.instant());
    String msg =
        message == null
            ? ""
            : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
    String name =
        obj.getMetadata().getName()
            + "."
            + Long.toHexString(System.currentTimeMillis())
            + Long.toHexString(seq.incrementAndGet());
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(obj.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(obj.getApiVersion())
            .withKind(obj.getKind())
            .withName(obj.getMetadata().getName())
            .withNamespace(obj.getMetadata().getNamespace())
            .withUid(obj.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type.wire())
            .withReason(reason)
            .withMessage(msg)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    // the log carries every event too: in a terminating namespace the API server refuses the Event
    // itself
    String what =
        obj.getKind() + " " + obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName();
    if (type == EventType.WARNING) {
      LOG.warn("{} {}: {}", what, reason, msg);
    } else {
      LOG.info("{} {}: {}", what, reason, msg);
    }
    String cause =
        obj.getMetadata().getNamespace()
            + "/"
            + obj.getMetadata().getUid()
            + "/"
            + type
            + "/"
            + reason
            + "/"
            + msg;
    try {
      Made earlier = made.get(cause);
      if (earlier != null) {
        Made again = new Made(earlier.name(), earlier.count() + 1);
        if (counted(obj.getMetadata().getNamespace(), again, now)) {
          made.put(cause, again);
          return;
        }
      }
      client.v1().events().inNamespace(obj.getMetadata().getNamespace()).resource(e).create();
      made.put(cause, new Made(name, 1));
    } catch (KubernetesClientException ex) {
      if (ex.getCode() == 403 && String.valueOf(ex.getMessage()).contains("being terminated")) {
        LOG.debug("{}: event {} not recorded: the namespace is being terminated", what, reason);
        return;
      }
      LOG.warn(
          "{}: event {} not recorded: {}",
          what,
          reason,
          ex.getStatus() != null && ex.getStatus().getMessage() != null
              ? ex.getStatus().getMessage()
              : ex.getMessage());
    }
  }

  /**
   * Sets the count and last timestamp of the Event made before, with one merge patch (the chart
   * grants {@code patch} on events, no {@code get}); false when it is gone (expired by the API
   * server's event TTL), so that a new one is made.
   */
  private boolean counted(String namespace, Made made, String now) {
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          // the Event in hand: by name only, fabric8 would read it first (a get, not granted)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withNamespace(namespace)
                  .withName(made.name())
                  .endMetadata()
                  .build())
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              "{\"count\":" + made.count() + ",\"lastTimestamp\":\"" + now + "\"}");
      return true;
    } catch (KubernetesClientException ex) {
      if (ex.getCode() == 404) {
        return false;
      }
      throw ex;
    }
  }
}
