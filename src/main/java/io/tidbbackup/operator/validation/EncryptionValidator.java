package io.tidbbackup.operator.validation;

import io.tidbbackup.agent.EncryptionFlags;
import io.tidbbackup.api.BRConfig;
import io.tidbbackup.api.BackupMode;
import io.tidbbackup.api.BackupSpec;
import io.tidbbackup.api.Encryption;
import io.tidbbackup.api.EncryptionKey;
import io.tidbbackup.api.RestoreMode;
import io.tidbbackup.api.RestoreSpec;
import io.tidbbackup.tools.FlagDef;
import io.tidbbackup.tools.ToolCli;
import io.tidbbackup.tools.ToolModel;
import io.tidbbackup.tools.ToolVersion;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * spec.encryption: each part complete and read by what the object runs, no key in br.options beside
 * it, and every flag it becomes defined by the BR release the Job would run (tools/br.tsv); each
 * message names the field, and the release where it depends on one. The release check runs once the
 * release is known (the image's tag, else the cluster's TiKV version).
 */
final class EncryptionValidator {
  /** A Secret's name: a DNS subdomain. */
  private static final Pattern SECRET_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** A Secret's key, as the API server allows it. */
  private static final Pattern SECRET_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  /**
   * An option naming one of BR's encryption flags: {@code --crypter.key=…}, {@code -master-key}.
   */
  private static final Pattern CRYPTER_OPTION =
      Pattern.compile(
          "^--?((?:log\\.)?crypter\\.(?:method|key|key-file)|master-key(?:-crypter-method)?)(?:=|\\s|$)");

  private EncryptionValidator() {}

  static void backup(BackupSpec spec, String tikvVersion, List<String> errors) {
    Encryption e = spec.encryption;
    if (e == null || e.isEmpty()) {
      return;
    }
    if (spec.br == null) {
      errors.add(
          "spec.encryption is for BR backups: Dumpling (spec.br is not set) has no such"
              + " encryption; remove spec.encryption");
      return;
    }
    if (!parts(e, errors)) {
      return;
    }
    readable(spec.podSecurityContext, errors);
    boolean log = spec.backupMode == BackupMode.LOG;
    if (log && e.snapshot != null) {
      errors.add(
          "spec.encryption.snapshot is for snapshot backups; a log backup's data is encrypted by"
              + " spec.encryption.log or spec.encryption.masterKey");
    }
    if (!log) {
      onlyFor(e, "log backups (backupMode: log)", errors);
    }
    options(spec.br, errors);
    release(spec.toolImage, tikvVersion, log ? "log start" : "backup full", e, errors);
  }

  static void restore(RestoreSpec spec, String tikvVersion, List<String> errors) {
    Encryption e = spec.encryption;
    if (e == null || e.isEmpty()) {
      return;
    }
    if (spec.br == null) {
      errors.add(
          "spec.encryption is for BR restores: TiDB Lightning (spec.br is not set) has no such"
              + " encryption; remove spec.encryption");
      return;
    }
    if (!parts(e, errors)) {
      return;
    }
    readable(spec.podSecurityContext, errors);
    boolean pitr = spec.restoreMode == RestoreMode.PITR;
    if (!pitr) {
      onlyFor(e, "pitr restores (restoreMode: pitr)", errors);
    }
    options(spec.br, errors);
    release(spec.toolImage, tikvVersion, pitr ? "restore point" : "restore full", e, errors);
  }

  /** Each part complete; at most one of log and masterKey. False when a part is incomplete. */
  static boolean parts(Encryption e, List<String> errors) {
    int before = errors.size();
    for (Map.Entry<String, EncryptionKey> p : e.parts().entrySet()) {
      String at = "spec.encryption." + field(p.getKey());
      EncryptionKey k = p.getValue();
      if (k.method == null) {
        errors.add(at + ".method is required: aes128-ctr, aes192-ctr or aes256-ctr");
      }
      if (k.secretKeyRef == null) {
        errors.add(at + ".secretKeyRef is required: the Secret (name) and key holding the key");
        continue;
      }
      if (empty(k.secretKeyRef.name) || !SECRET_NAME.matcher(k.secretKeyRef.name).matches()) {
        errors.add(
            at
                + ".secretKeyRef.name \""
                + nullToEmpty(k.secretKeyRef.name)
                + "\" is not a Secret name (lower case letters, digits, '-' and '.')");
      }
      if (empty(k.secretKeyRef.key) || !SECRET_KEY.matcher(k.secretKeyRef.key).matches()) {
        errors.add(
            at
                + ".secretKeyRef.key \""
                + nullToEmpty(k.secretKeyRef.key)
                + "\" is not a Secret key (letters, digits, '-', '_' and '.')");
      }
    }
    if (e.log != null && e.masterKey != null) {
      errors.add(
          "spec.encryption: set at most one of log and masterKey (BR refuses a log data key and"
              + " a master key together)");
    }
    return errors.size() == before;
  }

  /**
   * The key files are mode 0400 and owned by root; the kubelet gives the pod's fsGroup read on
   * them. Without spec.podSecurityContext the pod has one ({@code ToolPod.RUN_AS}); a user's
   * context without one runs the agent as a user that could not read the keys, unless as root.
   */
  static void readable(
      io.fabric8.kubernetes.api.model.PodSecurityContext psc, List<String> errors) {
    if (psc == null || psc.getFsGroup() != null) {
      return;
    }
    Long uid = psc.getRunAsUser();
    if (uid != null && uid == 0L) {
      return;
    }
    errors.add(
        "spec.podSecurityContext has no fsGroup: the key files of spec.encryption are mode 0400,"
            + " read by their owner (root) and the pod's fsGroup only, so BR running as uid "
            + (uid == null ? "of the image" : uid.toString())
            + " could not read them; set spec.podSecurityContext.fsGroup");
  }

  /** The log parts, where the object reads no log data. */
  private static void onlyFor(Encryption e, String what, List<String> errors) {
    for (String part : List.of(Encryption.LOG, Encryption.MASTER_KEY)) {
      if (e.parts().containsKey(part)) {
        errors.add(
            "spec.encryption."
                + field(part)
                + " is only for "
                + what
                + "; use spec.encryption.snapshot for snapshot data");
      }
    }
  }

  /** br.options naming an encryption flag beside spec.encryption. */
  static void options(BRConfig br, List<String> errors) {
    if (br.options == null) {
      return;
    }
    for (String o : br.options) {
      Matcher m = o == null ? null : CRYPTER_OPTION.matcher(o.trim());
      if (m != null && m.find()) {
        errors.add(
            "spec.br.options sets --"
                + m.group(1)
                + " and spec.encryption is set: the keys come from spec.encryption only (br.options"
                + " would put them in the command line); remove it from spec.br.options");
        return;
      }
    }
  }

  /** Each part's two flags, defined by the release the Job runs for {@code command}. */
  static void release(
      String toolImage, String tikvVersion, String command, Encryption e, List<String> errors) {
    String version = ToolVersion.ofImage(toolImage, tikvVersion);
    if (version == null) {
      return;
    }
    ToolModel model = ToolModel.of(ToolModel.BR);
    ToolCli br = model.at(ToolVersion.of(version));
    for (String part : e.parts().keySet()) {
      String[] flags = EncryptionFlags.FLAGS.get(part);
      if (br.accepts(command, flags[0]) && br.accepts(command, flags[1])) {
        continue;
      }
      String since =
          model.flags().stream()
              .filter(f -> f.name().equals(flags[0]) && f.since() != null)
              .map(FlagDef::since)
              .findFirst()
              .orElse("a later release");
      errors.add(
          "spec.encryption."
              + field(part)
              + ": BR "
              + br.version()
              + " (the Job's br "
              + command
              + ") has no --"
              + flags[0]
              + " and --"
              + flags[1]
              + " (BR "
              + since
              + " and later have them); use spec.toolImage of such a BR, or remove"
              + " spec.encryption."
              + field(part));
    }
  }

  /** The spec field of a part ({@code master-key} → {@code masterKey}). */
  static String field(String part) {
    return Encryption.MASTER_KEY.equals(part) ? "masterKey" : part;
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
