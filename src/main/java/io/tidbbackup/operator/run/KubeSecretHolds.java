package io.tidbbackup.operator.run;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tidbbackup.api.Serde;
import io.tidbbackup.operator.job.Names;
import java.util.List;
import java.util.Map;

/**
 * {@link SecretHolds.Port} on the API server: strategic merge patches of {@code
 * metadata.finalizers} (a list the API server merges by value), one that adds our entry and one
 * that deletes it ({@code $deleteFromPrimitiveList}). Neither reads the Secret first, neither
 * replaces the list, so a finalizer someone else adds at the same moment is never lost; both need
 * only the {@code patch} verb.
 */
public final class KubeSecretHolds implements SecretHolds.Port {
  static final String ADD =
      Serde.json(Map.of("metadata", Map.of("finalizers", List.of(Names.SECRET_HOLD_FINALIZER))));
  static final String REMOVE =
      Serde.json(
          Map.of(
              "metadata",
              Map.of("$deleteFromPrimitiveList/finalizers", List.of(Names.SECRET_HOLD_FINALIZER))));

  private static final PatchContext STRATEGIC =
      new PatchContext.Builder().withPatchType(PatchType.STRATEGIC_MERGE).build();

  private final KubernetesClient client;

  public KubeSecretHolds(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public String add(String namespace, String name) {
    Secret after = named(namespace, name).patch(STRATEGIC, ADD);
    return after.getMetadata().getResourceVersion();
  }

  @Override
  public void remove(String namespace, String name) {
    named(namespace, name).patch(STRATEGIC, REMOVE);
  }

  /**
   * The Secret by name, as a resource in hand: fabric8 patches a resource given by name only after
   * reading it (a {@code get}, which the chart does not grant on Secrets); given the resource, it
   * sends the one patch.
   */
  private io.fabric8.kubernetes.client.dsl.Resource<Secret> named(String namespace, String name) {
    Secret ref =
        new io.fabric8.kubernetes.api.model.SecretBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .build();
    return client.secrets().inNamespace(namespace).resource(ref);
  }
}
