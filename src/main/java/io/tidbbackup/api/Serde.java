package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/** Deterministic JSON and YAML mappers (sorted map keys, no nulls). */
public final class Serde {
  public static final ObjectMapper JSON = configure(new ObjectMapper());
  public static final ObjectMapper YAML =
      configure(
          new ObjectMapper(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                  .build()));

  private static ObjectMapper configure(ObjectMapper m) {
    return m.setSerializationInclusion(JsonInclude.Include.NON_NULL)
        .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  public static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static String yaml(Object o) {
    try {
      return YAML.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static <T> T fromJson(String s, Class<T> type) {
    try {
      return JSON.readValue(s, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot parse " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * A value of the wrong type, named by its path below {@code root} ("" for the document's top),
   * and the first line of what Jackson said: {@code spec.cleanOption.pageSize: Cannot ...}.
   */
  public static String wrongType(
      com.fasterxml.jackson.databind.JsonMappingException m, String root) {
    StringBuilder path = new StringBuilder(root);
    for (var ref : m.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    String said = String.valueOf(m.getOriginalMessage());
    int nl = said.indexOf('\n');
    return (path.length() == 0 ? "" : path + ": ") + (nl < 0 ? said : said.substring(0, nl));
  }

  /** A deep copy through JSON. */
  public static <T> T copy(T o, Class<T> type) {
    return JSON.convertValue(o, type);
  }

  private Serde() {}
}
