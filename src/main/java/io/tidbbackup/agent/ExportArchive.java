package io.tidbbackup.agent;

import io.tidbbackup.api.JobEnv;
import io.tidbbackup.storage.ObjectStore;
import io.tidbbackup.storage.StorageLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A Dumpling export kept as one archive, as TiDB Operator's Dumpling backups write it ({@code
 * <prefix>/backup-<time>.tgz}): a Lightning restore downloads it and unpacks it into {@link
 * JobEnv#RESTORE_DATA_DIR} (a volume of the Job) as TiDB Operator does, streaming, then points
 * Lightning at {@code <that dir>/<archive name without extension>}.
 */
public final class ExportArchive {
  private ExportArchive() {}

  /** The archive's name without its extension ({@code backup-2024-06-01T00:00:00Z}). */
  static String baseName(StorageLocation source) {
    String p = source.prefix();
    String name = p.substring(p.lastIndexOf('/') + 1);
    String lower = name.toLowerCase(Locale.ROOT);
    for (String ext : new String[] {".tar.gz", ".tgz", ".tar"}) {
      if (lower.endsWith(ext)) {
        return name.substring(0, name.length() - ext.length());
      }
    }
    return name;
  }

  /** Where Lightning reads the unpacked export. */
  public static Path localDir(StorageLocation source) {
    return Path.of(JobEnv.RESTORE_DATA_DIR, baseName(source));
  }

  /**
   * Streams the archive from the store and unpacks it so that the export lands in {@code root/<base
   * name>}: an archive of the export's directory (TiDB Operator's) unpacks as it is, one of its
   * files is put under that directory.
   */
  public static TarExtractor.Summary fetch(ObjectStore store, StorageLocation source, Path root)
      throws IOException {
    String base = baseName(source);
    try (InputStream in = store.open(source.prefix())) {
      return TarExtractor.extract(
          in,
          root,
          name -> {
            String n = name;
            while (n.startsWith("./")) {
              n = n.substring(2);
            }
            return n.equals(base) || n.startsWith(base + "/") ? n : base + "/" + n;
          });
    }
  }
}
