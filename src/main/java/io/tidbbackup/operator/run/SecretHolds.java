package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tidbbackup.operator.job.Names;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The operator's finalizer ({@link Names#SECRET_HOLD_FINALIZER}) on the Secrets that Backups'
 * cleans need: added while some Backup needs a Secret, removed once none does. Who needs a Secret
 * is read from the Backup informers' caches (an index per API group, {@link #register}), never from
 * memory of past reconciles, so the decision is the same whichever Backup asks and however often.
 *
 * <p>Each Secret is decided under a lock of its own: a hold and a release of one Secret never
 * interleave, and a Backup that needs it reaches the cache before its reconcile asks for the hold,
 * so a release that finds no Backup in the cache cannot undo a hold asked after it. Patches touch
 * only this finalizer (a strategic merge that adds the one entry, and one that deletes it from the
 * list: every other finalizer is kept, and nothing is read first). What this process did last is
 * remembered per Secret so that a hold costs one request per Secret, not one per reconcile; a hold
 * is asserted again at most once per {@code recheck}, so a finalizer removed by hand comes back no
 * sooner than that, with a line saying so (never a loop). A Secret being deleted cannot be given a
 * finalizer it lacks: that is said and left so. Nothing sleeps; every outcome is one log line
 * naming the Secret and the Backup.
 */
public final class SecretHolds {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SecretHolds.class);

  /** The name of the index, on each Backup informer's cache, of the Secrets a Backup needs held. */
  public static final String INDEX = "tidb-backup-operator/secret-holds";

  /** The API server's side: adds or removes the finalizer and nothing else. */
  public interface Port {
    /**
     * Adds the finalizer (nothing changes when it is there).
     *
     * @return the Secret's resourceVersion afterwards
     * @throws KubernetesClientException 404: no such Secret; 403: not allowed; 422: being deleted
     *     without it
     */
    String add(String namespace, String name);

    /** Removes the finalizer (nothing changes when it is not there). */
    void remove(String namespace, String name);
  }

  /** The UIDs of the Backups of one cache that need the Secret {@code namespace/name} held. */
  public interface Needs {
    List<String> of(String key);
  }

  private sealed interface State {
    Instant at();
  }

  private record Held(String resourceVersion, Instant at) implements State {}

  private record Released(Instant at) implements State {}

  private record Unholdable(Instant at) implements State {}

  private final Port port;
  private final boolean enabled;
  private final Clock clock;
  private final Duration recheck;
  private final List<Needs> needs = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param enabled false: Secrets are never touched (the operator setting, chart value holdSecrets)
   */
  public SecretHolds(Port port, boolean enabled, Clock clock, Duration recheck) {
    this.port = port;
    this.enabled = enabled;
    this.clock = clock;
    this.recheck = recheck;
  }

  public boolean enabled() {
    return enabled;
  }

  /** A Backup informer's cache, asked through its {@link #INDEX}. */
  public void register(Needs cache) {
    needs.add(cache);
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /**
   * Holds {@code namespace/name} for {@code who} ("Backup ns/name"), unless this process did so
   * less than {@code recheck} ago.
   */
  public void hold(String namespace, String name, String who) {
    if (!enabled) {
      return;
    }
    String key = key(namespace, name);
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      State before = states.get(key);
      Instant now = clock.instant();
      if ((before instanceof Held || before instanceof Unholdable) && fresh(before, now)) {
        return;
      }
      try {
        String rv = port.add(namespace, name);
        if (before instanceof Held h && !h.resourceVersion().equals(rv)) {
          LOG.info(
              "Secret {}: changed since the operator held it (edited, or its finalizer {} removed by"
                  + " hand); held again, as {}'s clean needs it",
              key,
              Names.SECRET_HOLD_FINALIZER,
              who);
        } else if (!(before instanceof Held)) {
          LOG.info(
              "Secret {}: finalizer {} held, as {}'s clean needs it",
              key,
              Names.SECRET_HOLD_FINALIZER,
              who);
        }
        states.put(key, new Held(rv, now));
      } catch (KubernetesClientException e) {
        String why =
            switch (e.getCode()) {
              case 404 -> "it does not exist: nothing to hold";
              case 403 ->
                  "the operator may not patch Secrets (chart value holdSecrets): a deletion of the"
                      + " Secret can leave the clean without credentials";
              case 422 ->
                  "it is being deleted and does not carry "
                      + Names.SECRET_HOLD_FINALIZER
                      + ", which no one can add now: the clean may find it gone";
              default -> null;
            };
        if (why == null) {
          states.remove(key);
          LOG.warn(
              "Secret {}: holding it for {} failed ({}); tried again at its next reconcile",
              key,
              who,
              e.getMessage());
        } else {
          states.put(key, new Unholdable(now));
          LOG.warn("Secret {}: not held for {}: {}", key, who, why);
        }
      }
    }
  }

  /**
   * Removes the hold on {@code namespace/name} when no Backup in the caches but {@code leaving}
   * (the UID of the Backup that no longer needs it; null: none) needs it; nothing when this process
   * released it already.
   *
   * @param transition whether {@code who} just stopped needing it (released, gone, policy changed):
   *     a Secret kept for others is then said at INFO, else at DEBUG (a check on every reconcile)
   */
  public void release(
      String namespace, String name, String leaving, String who, boolean transition) {
    if (!enabled) {
      return;
    }
    String key = key(namespace, name);
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      State before = states.get(key);
      Instant now = clock.instant();
      if (before instanceof Released || (before instanceof Unholdable && fresh(before, now))) {
        return;
      }
      List<String> others =
          needs.stream()
              .flatMap(n -> n.of(key).stream())
              .filter(uid -> !uid.equals(leaving))
              .distinct()
              .toList();
      if (!others.isEmpty()) {
        if (transition) {
          LOG.info(
              "Secret {}: kept held after {}: the clean of {} other Backup(s) needs it",
              key,
              who,
              others.size());
        } else {
          LOG.debug("Secret {}: kept held: {} other Backup(s) need it", key, others.size());
        }
        return;
      }
      try {
        port.remove(namespace, name);
        states.put(key, new Released(now));
        LOG.info(
            "Secret {}: finalizer {} released: no Backup's clean needs it after {}",
            key,
            Names.SECRET_HOLD_FINALIZER,
            who);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          states.put(key, new Released(now));
          LOG.info("Secret {}: gone; nothing to release after {}", key, who);
        } else if (e.getCode() == 403) {
          states.put(key, new Unholdable(now));
          LOG.warn(
              "Secret {}: the operator may not patch Secrets: finalizer {} (if there) stays; remove"
                  + " it with kubectl patch secret --type=json",
              key,
              Names.SECRET_HOLD_FINALIZER);
        } else {
          states.remove(key);
          LOG.warn(
              "Secret {}: releasing it after {} failed ({}); tried again at the next reconcile",
              key,
              who,
              e.getMessage());
        }
      }
    }
  }

  private boolean fresh(State s, Instant now) {
    return now.isBefore(s.at().plus(recheck));
  }
}
