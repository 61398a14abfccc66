package io.tidbbackup.operator.job;

import static io.tidbbackup.api.ApiConstants.LABEL_BACKUP;
import static io.tidbbackup.api.ApiConstants.LABEL_COMPACT;
import static io.tidbbackup.api.ApiConstants.LABEL_COMPONENT;
import static io.tidbbackup.api.ApiConstants.LABEL_INSTANCE;
import static io.tidbbackup.api.ApiConstants.LABEL_MANAGED_BY;
import static io.tidbbackup.api.ApiConstants.LABEL_NAME;
import static io.tidbbackup.api.ApiConstants.LABEL_RESTORE;
import static io.tidbbackup.api.ApiConstants.MANAGED_BY_VALUE;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tidbbackup.api.LogSubCommand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every name and label the operator gives to objects it creates. Names are deterministic and at most
 * 63 characters: a name that would be longer keeps its start and gets a hash of the whole name as suffix.
 */
public final class Names {
  public static final int MAX = 63;
  /** On Jobs without an owner reference (clean Jobs): the name of the Backup they belong to. */
  public static final String BACKUP_ANNOTATION = "tidb-backup-operator/backup";
  private static final int HASH_LEN = 8;

  private Names() {}

  /** {@code backup-<name>} for snapshot and Dumpling backups, {@code backup-<name>-<log-cmd>} for log backups. */
  public static String backupJob(String backupName, LogSubCommand log) {
    return bounded("backup-" + backupName + (log == null ? "" : "-" + log.value()));
  }

  public static String cleanJob(String backupName) {
    return bounded("clean-" + backupName);
  }

  public static String restoreJob(String restoreName) {
    return bounded("restore-" + restoreName);
  }

  public static String compactJob(String compactName) {
    return bounded("compact-" + compactName);
  }

  /** The Job of {@code prune: afterFailed} ({@code br abort restore}). */
  public static String restorePruneJob(String restoreName) {
    return bounded("restore-" + restoreName + "-prune");
  }

  /** The Secret that carries an inline {@code spec.azblob.sasToken} to the pod as a secretKeyRef. */
  public static String sasSecret(String kind, String name) {
    return bounded(kind + "-" + name + "-sas");
  }

  public static String clusterTlsSecret(String cluster) {
    return cluster + "-cluster-client-secret";
  }

  /** Labels of a backup or clean Job and its pod (TiDB Operator's set), after the Backup's own labels. */
  public static Map<String, String> backupJobLabels(HasMetadata backup, String component) {
    return jobLabels(backup, "backup", component, LABEL_BACKUP);
  }

  /** Labels of a restore Job ({@code component} restore, or prune for the abort Job) and its pod. */
  public static Map<String, String> restoreJobLabels(HasMetadata restore, String component) {
    return jobLabels(restore, "restore", component, LABEL_RESTORE);
  }

  public static Map<String, String> compactJobLabels(HasMetadata compact) {
    return jobLabels(compact, "compact", "compact", LABEL_COMPACT);
  }

  private static Map<String, String> jobLabels(HasMetadata cr, String appName, String component, String crLabel) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> own = cr.getMetadata().getLabels();
    if (own != null) {
      labels.putAll(own);
    }
    String name = cr.getMetadata().getName();
    labels.put(LABEL_NAME, appName);
    labels.put(LABEL_MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(LABEL_INSTANCE, labelValue(own != null && own.containsKey(LABEL_INSTANCE) ? own.get(LABEL_INSTANCE) : name));
    labels.put(LABEL_COMPONENT, component);
    labels.put(crLabel, labelValue(name));
    return labels;
  }

  /** A label value: the value itself when it fits, else a hashed, bounded form. */
  public static String labelValue(String value) {
    return bounded(value);
  }

  /** {@code s} when at most 63 characters, else its first characters, '-', and 8 hex of its SHA-256. */
  public static String bounded(String s) {
    if (s.length() <= MAX) {
      return s;
    }
    String head = s.substring(0, MAX - HASH_LEN - 1);
    while (!head.isEmpty() && !Character.isLetterOrDigit(head.charAt(head.length() - 1))) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash(s);
  }

  static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, HASH_LEN);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
