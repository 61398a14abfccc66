package io.tidbbackup.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * Object names in the layout BR writes (reference: br-output.md), for filling a prefix in tests and
 * benchmarks.
 */
public final class BackupLayout {

  private BackupLayout() {}

  /**
   * {@code n} keys under {@code prefix}: backupmeta files, a lock, checkpoints and SST files in
   * store dirs.
   */
  public static List<String> snapshotKeys(String prefix, int n) {
    List<String> keys = new ArrayList<>(n);
    String p = prefix.endsWith("/") ? prefix : prefix + "/";
    keys.add(p + "backupmeta");
    keys.add(p + "backup.lock");
    keys.add(p + "checkpoints/backup/checkpoint.meta");
    for (int i = 0; keys.size() < n; i++) {
      int store = 1 + i % 5;
      String cf = i % 2 == 0 ? "default" : "write";
      keys.add(
          p
              + store
              + "/"
              + (1000 + i / 2)
              + "_"
              + (7 + i % 11)
              + "_"
              + String.format("%08x", i * 2654435761L)
              + "_"
              + (400036290571534337L + i)
              + "_"
              + cf
              + ".sst");
    }
    return keys.subList(0, n);
  }

  /**
   * Objects next to the target that a correct cleaner never touches: {@code backup-10/…} and {@code
   * backup-1-old/…} beside {@code backup-1/}, a file whose name extends the prefix, and one at the
   * root. (An object named exactly like the prefix cannot be stored next to a directory of the same
   * name by s3proxy's or a filesystem's store.)
   */
  public static List<String> siblingSentinels(String parent, String name) {
    String p = parent.isEmpty() ? "" : parent + "/";
    return List.of(
        p + name + "0/backupmeta",
        p + name + "-old/backupmeta",
        p + name + "-old/1/1_2_x_write.sst",
        p + name + ".tmp",
        "root-sentinel.txt");
  }
}
