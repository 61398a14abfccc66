package io.tidbbackup.storage;

import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.api.StorageType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Opens the backend of a storage provider. Backends are registered here by provider type, once. */
public final class ObjectStores {

  /** Opens a backend for one provider. */
  @FunctionalInterface
  public interface Backend {
    ObjectStore open(StorageProvider p, StoreOptions o) throws IOException;
  }

  private static final Map<StorageType, Backend> BACKENDS = new EnumMap<>(StorageType.class);

  static {
    BACKENDS.put(StorageType.S3, (p, o) -> S3Store.open(p.s3, o));
    BACKENDS.put(StorageType.GCS, (p, o) -> GcsStore.open(p.gcs, o));
    BACKENDS.put(StorageType.AZBLOB, (p, o) -> AzureStore.open(p.azblob, o));
    BACKENDS.put(
        StorageType.LOCAL, (p, o) -> new LocalStore(Path.of(p.local.volumeMount.getMountPath())));
  }

  private ObjectStores() {}

  public static ObjectStore open(StorageProvider p, StoreOptions o) throws IOException {
    StorageType type = p.storageType();
    if (type == null) {
      throw new IllegalArgumentException("no storage provider is set");
    }
    return BACKENDS.get(type).open(p, o);
  }
}
