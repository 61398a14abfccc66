package io.tidbbackup.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a clean reads of a Backup's spec (either API group's: the fields are the same): its storage
 * provider and {@code cleanOption}, with the CRD's defaults. Read from the spec's JSON one present
 * field at a time ({@link #of}): a reader of the whole {@link BackupSpec} is built with the readers
 * of everything it can hold (tolerations, affinity, volumes, resources: some 250 classes of the
 * Kubernetes model), which was a third of a clean Job's start, for fields a clean never looks at.
 */
public final class CleanSpec extends StorageProvider {
  public CleanOption cleanOption;

  /**
   * The clean's part of {@code spec}, or a refusal naming the field: no spec, a field of the wrong
   * type (by its path), not exactly one storage provider.
   *
   * @param where what the spec came from, as the refusal names it (a file, an env variable)
   */
  public static CleanSpec of(JsonNode spec, String where) {
    if (spec == null || spec.isMissingNode() || spec.isNull()) {
      throw new IllegalArgumentException(where + ": spec is missing");
    }
    if (!spec.isObject()) {
      throw new IllegalArgumentException(where + ": spec: expected an object");
    }
    CleanSpec c = new CleanSpec();
    c.s3 = field(spec, "s3", S3StorageProvider.class, where);
    c.gcs = field(spec, "gcs", GcsStorageProvider.class, where);
    c.azblob = field(spec, "azblob", AzblobStorageProvider.class, where);
    c.local = field(spec, "local", LocalStorageProvider.class, where);
    c.cleanOption = field(spec, "cleanOption", CleanOption.class, where);
    if (c.providerCount() != 1) {
      throw new IllegalArgumentException(
          where
              + ": spec: set exactly one storage provider of s3, gcs, azblob and local, found "
              + c.providerCount());
    }
    return CrdDefaults.apply(c);
  }

  private static <T> T field(JsonNode spec, String name, Class<T> type, String where) {
    JsonNode n = spec.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    try {
      return Serde.JSON.treeToValue(n, type);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(where + ": " + Serde.wrongType(e, "spec." + name));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where + ": spec." + name + ": " + e.getOriginalMessage().split("\n")[0]);
    }
  }
}
