package io.tidbbackup.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reading our objects so that one the model cannot read stops nothing but itself. TiDB Operator's
 * own CRDs (which Helm leaves in place), or an operator rollback, can hold a Backup with {@code
 * backupMode: volume-snapshot}, {@code cleanPolicy: delete} or a field this model does not know;
 * read strictly, one such object fails the whole informer, and with it every Backup of the cluster.
 * Read through {@link #serialization()}, an unknown value of one of our enums reads as unset, an
 * unknown field is skipped, and each is written down on the object itself (the annotation {@link
 * #ANNOTATION}, in memory only: the operator never writes metadata back) so that its reconcile
 * makes that one object {@code Invalid}, naming the field and the value, before anything runs.
 */
public final class TolerantReading {
  /** In memory only: what could not be read, "path: problem" joined with "; ". */
  public static final String ANNOTATION = "tidb-backup-operator/unreadable";

  private TolerantReading() {}

  /** The client serialization to read our kinds with (everything else as fabric8 reads it). */
  public static KubernetesSerialization serialization() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.addHandler(new Handler());
    // what the informers cache is read by this mapper: a value that repeats is held once
    mapper.registerModule(SharedStrings.module());
    return new KubernetesSerialization(mapper, true);
  }

  /** What could not be read in {@code cr}, or empty. */
  public static Optional<String> problems(HasMetadata cr) {
    Map<String, String> a = cr.getMetadata() == null ? null : cr.getMetadata().getAnnotations();
    String p = a == null ? null : a.get(ANNOTATION);
    return p == null || p.isEmpty() ? Optional.empty() : Optional.of(p);
  }

  static final class Handler extends DeserializationProblemHandler {
    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
      if (!ours(type)) {
        return false;
      }
      String near = nearest(propertyName, deserializer.getKnownPropertyNames());
      record(
          p,
          path(p, null),
          "unknown field" + (near == null ? "" : " (did you mean \"" + near + "\"?)"));
      p.skipChildren();
      return true;
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
      if (!targetType.isEnum() || !ours(targetType)) {
        return NOT_HANDLED;
      }
      JsonParser p = ctxt.getParser();
      record(
          p,
          path(p, null),
          "\""
              + value
              + "\" is not a value this operator serves ("
              + String.join(", ", allowed(targetType))
              + ")");
      return null;
    }

    private static boolean ours(Class<?> type) {
      return type.getName().startsWith("io.tidbbackup.api.");
    }
  }

  /**
   * The known name {@code name} was most likely meant to be: the same but for case, or at most two
   * edits away (the nearest); null when none is.
   */
  static String nearest(String name, java.util.Collection<Object> known) {
    if (known == null || name == null) {
      return null;
    }
    String best = null;
    int bestDistance = 3;
    for (Object k : known) {
      String candidate = String.valueOf(k);
      if (candidate.equalsIgnoreCase(name)) {
        return candidate;
      }
      int d = distance(name.toLowerCase(), candidate.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The enum's values as written in manifests (its {@code @JsonProperty} names). */
  static List<String> allowed(Class<?> enumType) {
    List<String> out = new ArrayList<>();
    for (Object c : enumType.getEnumConstants()) {
      try {
        var f = enumType.getField(((Enum<?>) c).name());
        var jp = f.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        out.add(jp != null ? jp.value() : ((Enum<?>) c).name());
      } catch (NoSuchFieldException e) {
        out.add(((Enum<?>) c).name());
      }
    }
    return out;
  }

  /** "spec.br.cluster": the field names from the object being read down to the parser's place. */
  private static String path(JsonParser p, String leaf) {
    List<String> names = new ArrayList<>();
    for (JsonStreamContext c = p.getParsingContext(); c != null; c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        names.add(c.getCurrentName());
      } else if (c.inArray()) {
        names.add("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
      if (c.getCurrentValue() instanceof HasMetadata) {
        break; // the object's own field ("spec") is the path's first name
      }
    }
    Collections.reverse(names);
    String path = String.join(".", names).replace(".[", "[");
    return leaf == null ? path : path + "." + leaf;
  }

  /** Writes the problem on the nearest object being read that is one of ours with metadata. */
  private static void record(JsonParser p, String path, String problem) {
    for (JsonStreamContext c = p.getParsingContext(); c != null; c = c.getParent()) {
      if (c.getCurrentValue() instanceof HasMetadata cr && ours(cr.getClass())) {
        if (cr.getMetadata() == null) {
          cr.setMetadata(new ObjectMeta());
        }
        Map<String, String> a =
            cr.getMetadata().getAnnotations() == null
                ? new HashMap<>()
                : new HashMap<>(cr.getMetadata().getAnnotations());
        String entry = path + ": " + problem;
        String before = a.get(ANNOTATION);
        if (before == null || !Arrays.asList(before.split("; ")).contains(entry)) {
          a.put(ANNOTATION, before == null || before.isEmpty() ? entry : before + "; " + entry);
        }
        cr.getMetadata().setAnnotations(a);
        return;
      }
    }
  }

  private static boolean ours(Class<?> type) {
    return type.getName().startsWith("io.tidbbackup.api.");
  }
}
