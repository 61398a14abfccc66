package io.tidbbackup.operator.kernel;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ownership across the two API groups: which primary an owned object belongs to, and the casts that
 * let one flow (written for the v1 classes) serve the v2 classes, which extend them.
 */
public final class Owners {
  private Owners() {}

  /**
   * The owners of {@code type} (its group, version and kind exactly) among an object's owner
   * references: a {@code br.pingcap.com} Backup's Job never wakes the {@code pingcap.com} Backup of
   * the same name, nor the other way round.
   */
  public static <S extends HasMetadata> SecondaryToPrimaryMapper<S> mapper(
      Class<? extends HasMetadata> type) {
    String apiVersion = HasMetadata.getApiVersion(type);
    String kind = HasMetadata.getKind(type);
    return s -> {
      var refs = s.getMetadata().getOwnerReferences();
      if (refs == null) {
        return Set.of();
      }
      return refs.stream()
          .filter(r -> kind.equals(r.getKind()) && apiVersion.equals(r.getApiVersion()))
          .map(OwnerReference::getName)
          .map(n -> new ResourceID(n, s.getMetadata().getNamespace()))
          .collect(Collectors.toSet());
    };
  }

  /** A v2 object's context as its v1 superclass's (the same object: v2 classes extend v1's). */
  @SuppressWarnings("unchecked")
  public static <T extends HasMetadata, B extends T> Context<T> widen(Context<B> ctx) {
    return (Context<T>) (Context<?>) ctx;
  }

  /** The flow's answer, for the v2 reconciler that asked (the object it carries is a v2 one). */
  @SuppressWarnings("unchecked")
  public static <T extends HasMetadata, B extends T> UpdateControl<B> narrow(
      UpdateControl<T> control) {
    return (UpdateControl<B>) (UpdateControl<?>) control;
  }
}
