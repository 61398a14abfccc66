package io.tidbbackup.operator.backup;

import io.tidbbackup.api.Backup;
import io.tidbbackup.operator.backup.clean.SecretNeeds;
import io.tidbbackup.operator.run.SecretHolds;
import java.util.SortedSet;

/**
 * A Backup's part in the holds on its clean's Secrets ({@link SecretHolds}): on each reconcile,
 * held while its clean needs them ({@link SecretNeeds}), else looked at for release; released
 * (unless another Backup needs them) once its finalizer is gone or it is.
 */
final class BackupSecretHolds {
  private BackupSecretHolds() {}

  /** Before the flow runs: the Secrets held that its clean needs, the others looked at. */
  static void follow(Backup b, BackupServices s) {
    SecretHolds holds = s.holds();
    if (!holds.enabled()) {
      return;
    }
    SortedSet<String> secrets = SecretNeeds.secrets(b, s.settings());
    boolean needs = SecretNeeds.needsHold(b);
    String ns = b.getMetadata().getNamespace();
    for (String name : secrets) {
      if (needs) {
        holds.hold(ns, name, who(b));
      } else {
        holds.release(ns, name, b.getMetadata().getUid(), who(b), false);
      }
    }
  }

  /** The Backup released its finalizer, or is gone: it needs none of its Secrets any more. */
  static void released(Backup b, BackupServices s) {
    SecretHolds holds = s.holds();
    if (!holds.enabled()) {
      return;
    }
    String ns = b.getMetadata().getNamespace();
    for (String name : SecretNeeds.secrets(b, s.settings())) {
      holds.release(ns, name, b.getMetadata().getUid(), who(b), true);
    }
  }

  /** Registers this group's cache (its index of the Secrets each Backup needs held). */
  static <B extends Backup> void index(
      io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache<B> cache,
      BackupServices s) {
    if (!s.holds().enabled()) {
      return;
    }
    cache.addIndexer(SecretHolds.INDEX, b -> SecretNeeds.index(b, s.settings()));
    s.holds()
        .register(
            key ->
                cache.byIndex(SecretHolds.INDEX, key).stream()
                    .map(b -> b.getMetadata().getUid())
                    .toList());
  }

  private static String who(Backup b) {
    io.tidbbackup.operator.surface.ApiSurface api = io.tidbbackup.operator.surface.ApiSurface.of(b);
    return (api == io.tidbbackup.operator.surface.ApiSurface.V1
            ? "Backup"
            : api.qualified("Backup"))
        + " "
        + b.getMetadata().getNamespace()
        + "/"
        + b.getMetadata().getName();
  }
}
