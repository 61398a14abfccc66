package io.tidbbackup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * BR's backup encryption, from Secrets (an addition to TiDB Operator's API, where the keys could
 * only be passed in br.options, i.e. in the command line). Each part names a method and the Secret
 * key holding its key; the key is mounted into the tool's container as a file and BR gets the
 * file's path.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.log) && has(self.masterKey))",
    message = "set at most one of log and masterKey: BR refuses a log data key and a master key")
public class Encryption {
  @JsonPropertyDescription(
      "Snapshot backups and restores, and the full backup of a pitr restore: br --crypter.method"
          + " and --crypter.key-file. The Secret's value is the key in hex (32, 48 or 64 digits for"
          + " aes128-ctr, aes192-ctr, aes256-ctr; one trailing newline allowed).")
  public EncryptionKey snapshot;

  @JsonPropertyDescription(
      "Log backups (log start) and pitr restores, with a plaintext data key: br"
          + " --log.crypter.method and --log.crypter.key-file (BR v8.5 and later). BR stores"
          + " this key in PD for TiKV. The Secret's value is the key in hex, as for snapshot.")
  public EncryptionKey log;

  @JsonPropertyDescription(
      "Log backups (log start) and pitr restores, with a master key in a local file: br"
          + " --master-key-crypter-method and --master-key local://<file> (BR v8.5 and later)."
          + " The Secret's value is 64 hex digits and a newline. TiKV reads the same path for log"
          + " start: mount the Secret there in the TiKV pods too.")
  public EncryptionKey masterKey;

  /** The parts' names: the directory each key is mounted in, and the name of its volume. */
  public static final String SNAPSHOT = "snapshot";

  public static final String LOG = "log";
  public static final String MASTER_KEY = "master-key";

  public Encryption() {}

  public Encryption(EncryptionKey snapshot, EncryptionKey log, EncryptionKey masterKey) {
    this.snapshot = snapshot;
    this.log = log;
    this.masterKey = masterKey;
  }

  /** The parts that are set, by name ({@link #SNAPSHOT}, {@link #LOG}, {@link #MASTER_KEY}). */
  public java.util.Map<String, EncryptionKey> parts() {
    java.util.Map<String, EncryptionKey> m = new java.util.LinkedHashMap<>();
    if (snapshot != null) {
      m.put(SNAPSHOT, snapshot);
    }
    if (log != null) {
      m.put(LOG, log);
    }
    if (masterKey != null) {
      m.put(MASTER_KEY, masterKey);
    }
    return m;
  }

  /** True when no part is set. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEmpty() {
    return snapshot == null && log == null && masterKey == null;
  }
}
