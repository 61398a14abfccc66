package io.tidbbackup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ hold together: every relative link names a file that exists and, with an
 * anchor, a heading of that file (GitHub's slugs); every example a page names exists; the README's
 * test command is the one CI runs.
 */
class DocsTest {
  static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  static final Pattern EXAMPLE = Pattern.compile("examples/[a-z0-9-]+\\.yaml");

  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> s = Files.list(Path.of("docs"))) {
      pages.addAll(s.filter(p -> p.toString().endsWith(".md")).sorted().toList());
    }
    return pages;
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
  static String slug(String heading) {
    return heading
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .trim()
        .replace(' ', '-');
  }

  static Set<String> anchors(Path page) throws IOException {
    return Files.readAllLines(page).stream()
        .filter(l -> l.startsWith("#"))
        .map(l -> slug(l.replaceFirst("^#+\\s*", "")))
        .collect(Collectors.toSet());
  }

  @Test
  void everyLinkAndExampleResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      String text = Files.readString(page);
      Matcher m = LINK.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("http://") || target.startsWith("https://")) {
          continue;
        }
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(page + ": " + target + " (no such file)");
        } else if (anchor != null && !anchors(resolved).contains(anchor)) {
          broken.add(page + ": " + target + " (no such heading)");
        }
      }
      Matcher e = EXAMPLE.matcher(text);
      while (e.find()) {
        if (!Files.exists(Path.of(e.group()))) {
          broken.add(page + ": " + e.group() + " (no such example)");
        }
      }
    }
    assertThat(broken).isEmpty();
  }

  @Test
  void theReadmesTestCommandIsWhatCiRuns() throws IOException {
    assertThat(Files.readString(Path.of(".ci/run"))).contains("mvn -B -ntp verify");
    assertThat(Files.readString(Path.of("README.md")))
        .contains("mvn -B verify")
        .contains("mvn -B -q -DskipTests package exec:exec@sandbox");
  }
}
