package io.tidbbackup.operator.job;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.tidbbackup.api.ApiConstants;
import io.tidbbackup.api.JobEnv;
import java.util.Map;

/** Pure builders of the Secrets the operator owns. */
public final class OwnedSecrets {

  private OwnedSecrets() {}

  /**
   * Holds an inline {@code spec.azblob.sasToken} so that it reaches the pod as a secretKeyRef,
   * never as a plain env value or argument. Owned by the CR, so it goes with it; written once (its
   * name is bound to the owner's UID and the token).
   */
  public static Secret sasSecret(HasMetadata owner, String kind, String token) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(Names.sasSecret(kind, owner, token))
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(Map.of(ApiConstants.LABEL_MANAGED_BY, ApiConstants.MANAGED_BY_VALUE))
        .withOwnerReferences(ToolPod.controllerRef(owner))
        .endMetadata()
        .withType("Opaque")
        .withStringData(Map.of(JobEnv.AZURE_SAS_TOKEN, token))
        .build();
  }
}
