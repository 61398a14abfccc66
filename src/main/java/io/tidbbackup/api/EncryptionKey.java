package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * A method and the Secret key holding its key. The key reaches the tool as a file of a read-only
 * Secret volume; the tool is given the file's path, never the key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EncryptionKey {
  @Required public CipherMethod method;

  @Required
  @JsonPropertyDescription(
      "The Secret (in the object's namespace) and key that hold the key, mounted into the tool's"
          + " container as a file (mode 0400, read-only).")
  public SecretKeyRef secretKeyRef;

  public EncryptionKey() {}

  public EncryptionKey(CipherMethod method, SecretKeyRef secretKeyRef) {
    this.method = method;
    this.secretKeyRef = secretKeyRef;
  }
}
