package io.tidbbackup.operator.job;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.tidbbackup.api.Encryption;
import io.tidbbackup.api.EncryptionKey;
import io.tidbbackup.api.JobEnv;
import java.util.List;
import java.util.Map;

/**
 * Pure: the keys of spec.encryption as files of the tool's container. Each part a Job's command
 * reads is one Secret volume holding only that Secret key, as the file {@code key} (mode 0400),
 * mounted read-only at {@code <JobEnv.ENCRYPTION_DIR>/<part>}; the agent is told the part's method
 * and gives BR the file's path. A part the command does not read is not mounted.
 */
public final class EncryptionVolumes {
  /** 0400: the owner reads; with the pod's fsGroup, the kubelet adds the group's read. */
  static final int MODE = 0400;

  private EncryptionVolumes() {}

  /**
   * What a backup Job reads: the snapshot key for {@code br backup}, the log data key or master key
   * for {@code br log start}; nothing for the other log subcommands or Dumpling.
   */
  public static Encryption forBackup(
      io.tidbbackup.api.BackupSpec spec, io.tidbbackup.api.LogSubCommand log) {
    if (spec.br == null) {
      return null;
    }
    return used(spec.encryption, log == null, log == io.tidbbackup.api.LogSubCommand.START);
  }

  /**
   * What a restore (or prune) Job reads: the snapshot key, and for a pitr restore the log data key
   * or master key too; nothing for TiDB Lightning.
   */
  public static Encryption forRestore(io.tidbbackup.api.RestoreSpec spec) {
    if (spec.br == null) {
      return null;
    }
    return used(spec.encryption, true, spec.restoreMode == io.tidbbackup.api.RestoreMode.PITR);
  }

  /**
   * The parts of {@code e} a Job reads, or null: the snapshot key when it reads snapshot data, the
   * log data key or master key when it reads or starts log data.
   */
  public static Encryption used(Encryption e, boolean snapshotData, boolean logData) {
    if (e == null) {
      return null;
    }
    Encryption u =
        new Encryption(
            snapshotData ? e.snapshot : null, logData ? e.log : null, logData ? e.masterKey : null);
    return u.isEmpty() ? null : u;
  }

  /** What the agent is told: each used part's method, without its Secret. */
  public static Encryption forAgent(Encryption used) {
    if (used == null) {
      return null;
    }
    Encryption a = new Encryption();
    a.snapshot = methodOnly(used.snapshot);
    a.log = methodOnly(used.log);
    a.masterKey = methodOnly(used.masterKey);
    return a;
  }

  private static EncryptionKey methodOnly(EncryptionKey k) {
    return k == null ? null : new EncryptionKey(k.method, null);
  }

  /** One Secret volume and one read-only mount per used part. */
  public static void add(Encryption used, List<Volume> volumes, List<VolumeMount> mounts) {
    if (used == null) {
      return;
    }
    for (Map.Entry<String, EncryptionKey> p : used.parts().entrySet()) {
      String name = volumeName(p.getKey());
      volumes.add(
          new VolumeBuilder()
              .withName(name)
              .withNewSecret()
              .withSecretName(p.getValue().secretKeyRef.name)
              .addNewItem()
              .withKey(p.getValue().secretKeyRef.key)
              .withPath("key")
              .endItem()
              .withDefaultMode(MODE)
              .endSecret()
              .build());
      mounts.add(ToolPod.mount(name, JobEnv.ENCRYPTION_DIR + "/" + p.getKey(), true));
    }
  }

  static String volumeName(String part) {
    return "encryption-" + part;
  }
}
