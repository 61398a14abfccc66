package io.tidbbackup.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.generator.annotation.Default;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * The CRDs' defaults, applied to an object the API server did not default: one read by a fake API
 * server, an object stored before a CRD upgrade added the default, a manifest given to {@code
 * render}. The values are the model's own {@link Default} annotations, the very ones the CRD
 * generator writes into the CRDs, so every default lives in one place and no code carries a second
 * copy ({@code x == null ? 6 : x}). Fields already set are kept; nested objects are walked, lists
 * and maps are not. One normalization of TiDB Operator's rides along: a Ceph endpoint without a
 * scheme gets {@code http://} ({@link S3StorageProvider#normalizeCephEndpoint}).
 */
public final class CrdDefaults {
  private CrdDefaults() {}

  /**
   * Fills, in place, every null field of {@code spec} (and of its nested objects) that has a CRD
   * default.
   */
  public static <T> T apply(T spec) {
    if (spec != null) {
      fill(spec, spec.getClass());
    }
    return spec;
  }

  private static void fill(Object o, Class<?> type) {
    if (o instanceof S3StorageProvider s3) {
      s3.normalizeCephEndpoint();
    }
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || !Modifier.isPublic(f.getModifiers())) {
          continue;
        }
        try {
          Object value = f.get(o);
          Default d = f.getAnnotation(Default.class);
          if (value == null && d != null) {
            value = Serde.YAML.readValue(d.value(), f.getType());
            f.set(o, value);
          }
          if (value != null && isModel(f.getType())) {
            fill(value, f.getType());
          }
        } catch (IllegalAccessException | JsonProcessingException e) {
          throw new IllegalStateException(
              "default of " + c.getSimpleName() + "." + f.getName() + ": " + e, e);
        }
      }
    }
  }

  /** One of our model classes (walked), not a JDK or fabric8 type, an enum, a list or a map. */
  private static boolean isModel(Class<?> t) {
    return t.getName().startsWith("io.tidbbackup.api.")
        && !t.isEnum()
        && !Collection.class.isAssignableFrom(t)
        && !Map.class.isAssignableFrom(t);
  }
}
