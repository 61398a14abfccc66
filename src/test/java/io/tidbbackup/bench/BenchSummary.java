package io.tidbbackup.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tidbbackup.api.Serde;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * target/bench-summary.json: each benchmark merges its figures into one section, keeping others'.
 */
final class BenchSummary {
  static final Path FILE = Path.of("target", "bench-summary.json");

  private BenchSummary() {}

  static void merge(String section, Map<String, Object> add) throws Exception {
    Map<String, Object> all = new LinkedHashMap<>();
    if (Files.exists(FILE)) {
      all.putAll(Serde.JSON.readValue(FILE.toFile(), new TypeReference<Map<String, Object>>() {}));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> into =
        (Map<String, Object>) all.computeIfAbsent(section, k -> new LinkedHashMap<>());
    into.putAll(add);
    Files.createDirectories(FILE.getParent());
    Files.writeString(FILE, Serde.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    System.out.println("wrote " + FILE + " (" + section + "): " + Serde.json(add));
  }
}
