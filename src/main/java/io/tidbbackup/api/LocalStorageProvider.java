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
  public String prefix;
}
