package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

/** A volume mounted into the Job pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocalStorageProvider {
  @Required public Volume volume;
  @Required public VolumeMount volumeMount;

  @io.fabric8.generator.annotation.ValidationRule(
      value = PrefixRules.CEL,
      message = PrefixRules.MESSAGE)
  @io.fabric8.generator.annotation.Size(max = PrefixRules.MAX_LENGTH)
  public String prefix;
}
