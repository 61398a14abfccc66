package io.tidbbackup.agent;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a tar archive (gzip-compressed or not: the first two bytes say) from a stream, as it
 * arrives, so an archive needs its unpacked size on disk and not twice that. Reads ustar, GNU long
 * names ({@code L}) and pax paths ({@code x}). Only files and directories are written: a link, a
 * device or a path that would land outside the destination ({@code ../}, an absolute name) fails
 * the whole unpacking before anything of that entry is written (TiDB Operator's own unpacking joins
 * names to the destination unchecked).
 */
public final class TarExtractor {
  static final int BLOCK = 512;

  /** What was unpacked. */
  public record Summary(long files, long bytes) {}

  private TarExtractor() {}

  /**
   * Unpacks {@code in} into {@code dest}; {@code rename} maps each entry's path (relative, with
   * '/') to the path it is written to.
   */
  public static Summary extract(InputStream in, Path dest, UnaryOperator<String> rename)
      throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream tar = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
    Path root = dest.toAbsolutePath().normalize();
    Files.createDirectories(root);
    byte[] header = new byte[BLOCK];
    String longName = null;
    long files = 0;
    long bytes = 0;
    while (true) {
      if (!readFully(tar, header)) {
        break; // end of stream without the end blocks: accepted, as tar does
      }
      if (allZero(header)) {
        break;
      }
      char type = (char) header[156];
      long size = size(header);
      String name = longName != null ? longName : name(header);
      longName = null;
      switch (type) {
        case 'L' -> {
          longName = trimNul(new String(readBody(tar, size), StandardCharsets.UTF_8));
          continue;
        }
        case 'x' -> {
          longName = paxPath(new String(readBody(tar, size), StandardCharsets.UTF_8));
          continue;
        }
        case 'g' -> {
          skip(tar, padded(size));
          continue;
        }
        default -> {}
      }
      Path target = inside(root, rename.apply(name), name);
      if (target.equals(root) && type != '5') {
        throw new IOException("the archive holds a file with no name: \"" + name + "\"");
      }
      if (type == '5') {
        Files.createDirectories(target);
        skip(tar, padded(size));
      } else if (type == '0' || type == '\0' || type == '7') {
        Files.createDirectories(target.getParent());
        try (OutputStream out =
            Files.newOutputStream(
                target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
          copy(tar, out, size);
        }
        skip(tar, padded(size) - size);
        files++;
        bytes += size;
      } else {
        throw new IOException(
            "the archive holds \""
                + name
                + "\" of tar type '"
                + type
                + "': only files and directories are unpacked");
      }
    }
    return new Summary(files, bytes);
  }

  /**
   * The entry's destination, refused when it could land outside {@code root}: an absolute name, a
   * backslash, a ".." component.
   */
  static Path inside(Path root, String mapped, String original) throws IOException {
    boolean up = false;
    for (String part : mapped.split("/")) {
      up |= part.equals("..");
    }
    Path p = root.resolve(mapped).normalize();
    if (mapped.isEmpty()
        || mapped.startsWith("/")
        || mapped.contains("\\")
        || up
        || !p.startsWith(root)) {
      throw new IOException(
          "the archive holds a path outside its directory: \""
              + original
              + "\"; nothing more is unpacked");
    }
    return p;
  }

  static String name(byte[] h) {
    String name = field(h, 0, 100);
    String magic = field(h, 257, 6);
    if (magic.startsWith("ustar")) {
      String prefix = field(h, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    return name;
  }

  /** The size field: octal, or base-256 when its first byte has the high bit set (GNU). */
  static long size(byte[] h) throws IOException {
    if ((h[124] & 0x80) != 0) {
      long v = 0;
      for (int i = 125; i < 136; i++) {
        v = (v << 8) | (h[i] & 0xff);
      }
      return v;
    }
    String s = field(h, 124, 12).trim();
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IOException("not a tar archive (size field \"" + s + "\")");
    }
  }

  static String paxPath(String records) {
    String path = null;
    int i = 0;
    while (i < records.length()) {
      int space = records.indexOf(' ', i);
      if (space < 0) {
        break;
      }
      int len;
      try {
        len = Integer.parseInt(records.substring(i, space));
      } catch (NumberFormatException e) {
        break;
      }
      if (len <= 0 || i + len > records.length()) {
        break;
      }
      String kv = records.substring(space + 1, i + len - 1);
      if (kv.startsWith("path=")) {
        path = kv.substring(5);
      }
      i += len;
    }
    return path;
  }

  private static String field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static String trimNul(String s) {
    int i = s.indexOf('\0');
    return i < 0 ? s : s.substring(0, i);
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static byte[] readBody(InputStream in, long size) throws IOException {
    if (size > 1 << 20) {
      throw new IOException("a tar header record of " + size + " bytes");
    }
    byte[] b = new byte[(int) size];
    if (!readFully(in, b)) {
      throw new EOFException("the archive ends inside a header record");
    }
    skip(in, padded(size) - size);
    return b;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new EOFException("the archive ends inside a file");
      }
      out.write(buf, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the archive ends early");
        }
        s = 1;
      }
      left -= s;
    }
  }

  private static boolean readFully(InputStream in, byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        if (off == 0) {
          return false;
        }
        throw new EOFException("the archive ends inside a block");
      }
      off += n;
    }
    return true;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
