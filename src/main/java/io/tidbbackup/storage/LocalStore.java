package io.tidbbackup.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A mounted volume: keys are paths relative to the mount point, their names joined with '/' and
 * never otherwise changed (a file named {@code ..\victim} is that file, not {@code ../victim}).
 *
 * <p>Nothing here follows a symbolic link: a link inside the prefix is listed and deleted as the
 * link itself (its target is not the backup's), a prefix that is or passes through a link is
 * refused, and a delete whose parent directories pass through a link is refused. What cannot be
 * read is a failure, never a silently shorter listing. Empty directories are removed only inside
 * the prefix (its own directory included), never above it.
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
    Path start = dirPart.isEmpty() ? root : resolveInside(dirPart);
    if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
      return new ListPage(List.of(), null);
    }
    requireNoLink(start);
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(start + " is not a directory");
    }
    // Deletions of the previous page run while this listing walks: files may vanish under it.
    TreeSet<String> found = new TreeSet<>();
    IOException[] unreadable = {null};
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            // regular files and links (never followed); a link's target is not the backup's
            if (!attrs.isRegularFile() && !attrs.isSymbolicLink() && !attrs.isOther()) {
              return FileVisitResult.CONTINUE;
            }
            String k = key(file);
            if (k.startsWith(keyPrefix) && (token == null || k.compareTo(token) > 0)) {
              found.add(k);
              if (found.size() > max + 1) {
                found.pollLast();
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (!(e instanceof NoSuchFileException) && unreadable[0] == null) {
              unreadable[0] = new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    if (unreadable[0] != null) {
      // a listing that skipped what it could not read would let "verified empty" pass with data
      throw unreadable[0];
    }
    List<String> keys = new ArrayList<>(found);
    if (keys.size() > max) {
      List<String> page = new ArrayList<>(keys.subList(0, max));
      return new ListPage(page, page.get(page.size() - 1));
    }
    return new ListPage(keys, null);
  }

  /** The key of a path under the root: its name elements joined with '/', nothing else changed. */
  private String key(Path file) {
    Path rel = root.relativize(file);
    List<String> names = new ArrayList<>();
    rel.forEach(n -> names.add(n.toString()));
    return String.join("/", names);
  }

  @Override
  public boolean supportsBatchDelete() {
    return false;
  }

  @Override
  public java.io.InputStream open(String key) throws IOException {
    Path p = resolveInside(key);
    requireNoLink(p.getParent());
    if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new java.io.FileNotFoundException(describe() + "/" + key + " is not a file");
    }
    return Files.newInputStream(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void delete(String key) throws IOException {
    requests.deleted();
    Path p = resolveInside(key);
    requireNoLink(p.getParent());
    try {
      Files.deleteIfExists(p); // a link is deleted itself, never its target
    } catch (NoSuchFileException ignored) {
      // already gone
    }
  }

  /**
   * Removes the empty directories under {@code dir} (a key prefix ending in '/'), deepest first,
   * then {@code dir}'s own directory when it is empty; never a directory above it, never a link.
   */
  @Override
  public void removeEmptyDirectories(String dir) throws IOException {
    String d = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    if (d.isEmpty()) {
      return;
    }
    Path top = resolveInside(d);
    if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    requireNoLink(top);
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> s = Files.walk(top)) { // does not follow links
      s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(dirs::add);
    }
    dirs.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
    for (Path p : dirs) {
      try (Stream<Path> s = Files.list(p)) {
        if (s.findAny().isPresent()) {
          continue;
        }
      } catch (NoSuchFileException gone) {
        continue;
      }
      try {
        Files.deleteIfExists(p);
      } catch (IOException notEmptyAnymore) {
        // a file appeared: it is listed, and so not verified, next time
      }
    }
  }

  /** {@code root/key}, refused unless it stays strictly below the root once normalised. */
  private Path resolveInside(String key) throws IOException {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IOException("key " + key + " resolves outside " + root);
    }
    return p;
  }

  /** Fails when {@code p} or a directory between the root and it is a symbolic link. */
  private void requireNoLink(Path p) throws IOException {
    for (Path d = p; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
      if (Files.isSymbolicLink(d)) {
        throw new IOException(
            root.relativize(d) + " is a symbolic link: the cleaner never follows one");
      }
    }
  }

  @Override
  public RequestCounts requests() {
    return requests;
  }
}
