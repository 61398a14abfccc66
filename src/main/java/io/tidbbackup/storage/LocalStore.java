package io.tidbbackup.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A mounted volume: keys are paths relative to the mount point. Deleting a file also removes the
 * directories it leaves empty, up to (never including) the mount point.
 */
public final class LocalStore implements ObjectStore {
  private final Path root;
  private final RequestCounts requests = new RequestCounts();

  public LocalStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String describe() {
    return "local://" + root;
  }

  @Override
  public ListPage list(String keyPrefix, String token, int max) throws IOException {
    requests.listed();
    String dirPart =
        keyPrefix.contains("/") ? keyPrefix.substring(0, keyPrefix.lastIndexOf('/')) : "";
    Path start = dirPart.isEmpty() ? root : root.resolve(dirPart);
    if (!Files.isDirectory(start)) {
      return new ListPage(List.of(), null);
    }
    // Deletions of the previous page run while this listing walks: files may vanish under it.
    java.util.TreeSet<String> found = new java.util.TreeSet<>();
    Files.walkFileTree(
        start,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(
              Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
            String k = root.relativize(file).toString().replace('\\', '/');
            if (attrs.isRegularFile()
                && k.startsWith(keyPrefix)
                && (token == null || k.compareTo(token) > 0)) {
              found.add(k);
              if (found.size() > max + 1) {
                found.pollLast();
              }
            }
            return java.nio.file.FileVisitResult.CONTINUE;
          }

          @Override
          public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
    List<String> keys = new ArrayList<>(found);
    if (keys.size() > max) {
      List<String> page = new ArrayList<>(keys.subList(0, max));
      return new ListPage(page, page.get(page.size() - 1));
    }
    return new ListPage(keys, null);
  }

  @Override
  public boolean supportsBatchDelete() {
    return false;
  }

  @Override
  public void delete(String key) throws IOException {
    requests.deleted();
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IOException("key " + key + " resolves outside " + root);
    }
    try {
      Files.deleteIfExists(p);
    } catch (NoSuchFileException ignored) {
      // already gone
    }
    for (Path d = p.getParent();
        d != null && !d.equals(root) && d.startsWith(root);
        d = d.getParent()) {
      try (Stream<Path> s = Files.list(d)) {
        if (s.findAny().isPresent()) {
          break;
        }
      } catch (NoSuchFileException gone) {
        continue;
      }
      try {
        Files.deleteIfExists(d);
      } catch (IOException notEmptyAnymore) {
        break;
      }
    }
  }

  @Override
  public RequestCounts requests() {
    return requests;
  }
}
