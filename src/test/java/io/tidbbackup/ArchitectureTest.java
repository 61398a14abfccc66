package io.tidbbackup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house plan, kept by the build (docs/development.md describes it). Read from the production
 * sources as text: every {@code io.tidbbackup} type a file names (imports and fully qualified names
 * in code; comments and strings left out) and, within a package, every type of that package it
 * names by its simple name.
 *
 * <ul>
 *   <li>Arrows point down: a room (package) names only rooms on lower floors of {@link #FLOORS}, so
 *       there is no circle between rooms either.
 *   <li>No circle between files, inside a room or across.
 *   <li>Cloud SDKs (AWS, Google Cloud, Azure) only in {@code storage}.
 *   <li>No file over {@value #MAX_LINES} lines but the one cohesive algorithm named in {@link
 *       #LONG_FILES} (a file added there says why it is one algorithm, not a file to split).
 * </ul>
 */
class ArchitectureTest {
  static final Path MAIN = Path.of("src", "main", "java");
  static final String ROOT = "io.tidbbackup";

  /**
   * The rooms, from the top floor down; rooms on one floor are peers and do not name each other.
   */
  static final List<List<String>> FLOORS =
      List.of(
          List.of(""), // Main
          List.of("cli", "cli.plugin"), // the commands of the jar; kubectl tidb-backup
          List.of("operator.app"), // composition root: factory, lease guard, HTTP
          List.of("operator.backup", "operator.restore", "operator.compact", "operator.schedule"),
          List.of("operator.backup.clean"), // the clean of a deleted Backup, behind its port
          List.of("operator.kernel"), // what every kind's reconcile shares
          List.of("operator.validation"),
          List.of("operator.cluster", "operator.run"), // cluster facts; the life of a tool run
          List.of("operator.settings"),
          List.of("operator.job"), // pure Job builders
          List.of("operator.status"),
          List.of("operator.surface"), // the two API groups' differences
          List.of("operator.recovery"), // pure: what Backups can restore to, and from what
          List.of("agent"),
          List.of("crd", "storage", "tools"),
          List.of("api.v2"),
          List.of("api"));

  static final int MAX_LINES = 350;

  /** Files allowed over {@link #MAX_LINES}, each with why (a file split comes off the list). */
  static final Map<String, String> LONG_FILES =
      Map.of(
          "storage/CleanEngine.java",
          "the cleaner's one algorithm: pipelined listing, adaptive delete window, rounds, verify");

  static final Pattern QUALIFIED =
      Pattern.compile("\\bio\\.tidbbackup((?:\\.[a-z]\\w*)*)\\.([A-Z]\\w*)");
  static final Pattern CLOUD_SDK =
      Pattern.compile("\\b(software\\.amazon\\.awssdk|com\\.google\\.cloud|com\\.azure)\\.");

  /** One production file: its package (relative to {@link #ROOT}), simple name and code. */
  record Source(String room, String name, Path path, String code, int lines) {
    String type() {
      return ROOT + (room.isEmpty() ? "" : "." + room) + "." + name;
    }
  }

  static List<Source> sources() {
    try (Stream<Path> files = Files.walk(MAIN.resolve(ROOT.replace('.', '/')))) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .sorted()
          .map(ArchitectureTest::read)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Source read(Path p) {
    try {
      String text = Files.readString(p);
      Matcher m = Pattern.compile("(?m)^package ([\\w.]+);").matcher(text);
      if (!m.find()) {
        throw new IllegalStateException(p + " has no package line");
      }
      String pkg = m.group(1);
      String room = pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
      String name = p.getFileName().toString().replace(".java", "");
      return new Source(room, name, p, codeOnly(text), (int) text.lines().count());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text without comments, string and character literals. */
  static String codeOnly(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (text.startsWith("\"\"\"", i)) {
        int end = text.indexOf("\"\"\"", i + 3);
        i = end < 0 ? text.length() : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        int j = i + 1;
        while (j < text.length() && text.charAt(j) != c) {
          j += text.charAt(j) == '\\' ? 2 : 1;
        }
        i = j + 1;
        out.append(c).append(c);
      } else if (text.startsWith("//", i)) {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end;
      } else if (text.startsWith("/*", i)) {
        int end = text.indexOf("*/", i + 2);
        i = end < 0 ? text.length() : end + 2;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** File → the files it names (types of ours, by qualified name or, in its package, by name). */
  static Map<String, Set<String>> arrows(List<Source> all) {
    Map<String, Source> byType = new HashMap<>();
    Map<String, List<Source>> byRoom = new HashMap<>();
    for (Source s : all) {
      byType.put(s.type(), s);
      byRoom.computeIfAbsent(s.room(), r -> new ArrayList<>()).add(s);
    }
    Map<String, Set<String>> arrows = new TreeMap<>();
    for (Source s : all) {
      Set<String> to = new TreeSet<>();
      Matcher m = QUALIFIED.matcher(s.code());
      while (m.find()) {
        String t = ROOT + m.group(1) + "." + m.group(2);
        if (byType.containsKey(t) && !t.equals(s.type())) {
          to.add(t);
        }
      }
      String body = s.code().replaceAll("(?m)^(import|package) .*$", "");
      for (Source peer : byRoom.get(s.room())) {
        if (peer != s
            && Pattern.compile("(?<![\\w.])" + peer.name() + "\\b").matcher(body).find()) {
          to.add(peer.type());
        }
      }
      arrows.put(s.type(), to);
    }
    return arrows;
  }

  static String roomOf(String type) {
    String pkg = type.substring(0, type.lastIndexOf('.'));
    return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
  }

  static Map<String, Integer> floorOfRoom() {
    Map<String, Integer> floors = new LinkedHashMap<>();
    for (int i = 0; i < FLOORS.size(); i++) {
      for (String room : FLOORS.get(i)) {
        floors.put(room, i);
      }
    }
    return floors;
  }

  @Test
  void everyRoomIsOnThePlan() {
    Set<String> rooms = new TreeSet<>();
    sources().forEach(s -> rooms.add(s.room()));
    assertThat(floorOfRoom().keySet())
        .as("rooms of src/main/java and the floors of ArchitectureTest.FLOORS")
        .containsExactlyInAnyOrderElementsOf(rooms);
  }

  @Test
  void arrowsPointDown() {
    Map<String, Integer> floor = floorOfRoom();
    List<String> up = new ArrayList<>();
    arrows(sources())
        .forEach(
            (from, targets) -> {
              String a = roomOf(from);
              for (String to : targets) {
                String b = roomOf(to);
                if (!a.equals(b) && floor.get(b) <= floor.get(a)) {
                  up.add(from + " -> " + to + " (" + show(a) + " is not above " + show(b) + ")");
                }
              }
            });
    assertThat(up).as("arrows that do not point down").isEmpty();
  }

  @Test
  void noFileIsOnACircle() {
    Map<String, Set<String>> g = arrows(sources());
    List<List<String>> circles = new ArrayList<>();
    // Tarjan's strongly connected components; a component of more than one file is a circle
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new java.util.HashSet<>();
    int[] next = {0};
    for (String v : g.keySet()) {
      if (!index.containsKey(v)) {
        strongConnect(v, g, index, low, stack, onStack, next, circles);
      }
    }
    assertThat(circles).as("files that name each other, directly or around").isEmpty();
  }

  private static void strongConnect(
      String v,
      Map<String, Set<String>> g,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      int[] next,
      List<List<String>> circles) {
    index.put(v, next[0]);
    low.put(v, next[0]);
    next[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : g.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        strongConnect(w, g, index, low, stack, onStack, next, circles);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        circles.add(component);
      }
    }
  }

  @Test
  void cloudSdksOnlyInStorage() {
    assertThat(sources())
        .filteredOn(s -> !s.room().equals("storage") && CLOUD_SDK.matcher(s.code()).find())
        .extracting(s -> s.path().toString())
        .as("files outside storage/ that use a cloud SDK")
        .isEmpty();
  }

  @Test
  void noFileIsOverTheLimitButTheNamedOnes() {
    List<String> over = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    for (Source s : sources()) {
      String rel =
          MAIN.resolve(ROOT.replace('.', '/')).relativize(s.path()).toString().replace('\\', '/');
      if (LONG_FILES.containsKey(rel)) {
        seen.add(rel);
      } else if (s.lines() > MAX_LINES) {
        over.add(rel + ": " + s.lines() + " lines");
      }
    }
    assertThat(over).as("files over " + MAX_LINES + " lines").isEmpty();
    // a named file that is gone or back under the limit comes off the list
    assertThat(seen)
        .as("LONG_FILES that still exist")
        .containsExactlyInAnyOrderElementsOf(LONG_FILES.keySet());
    for (Source s : sources()) {
      String rel =
          MAIN.resolve(ROOT.replace('.', '/')).relativize(s.path()).toString().replace('\\', '/');
      if (LONG_FILES.containsKey(rel)) {
        assertThat(s.lines()).as(rel + " is in LONG_FILES").isGreaterThan(MAX_LINES);
      }
    }
  }

  static String show(String room) {
    return room.isEmpty() ? "(root)" : room;
  }
}
