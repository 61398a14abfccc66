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
 * Every name and label the operator gives to objects it creates. Names are deterministic and at
 * most 63 characters: a name that would be longer keeps its start and gets a hash of the whole name
 * as suffix.
 *
 * <p>Job names are TiDB Operator's ({@code backup-<name>}, {@code backup-<name>-log-start}, {@code
 * restore-<name>}, {@code restore-<name>-prune}, {@code clean-<name>}, {@code compact-<name>})
 * except where two objects' Jobs would share one: Backup {@code lb}'s log-start Job and Backup
 * {@code lb-log-start}'s Job are both {@code backup-lb-log-start} upstream. Here the main Job of an
 * object whose name ends with one of its kind's derived suffixes ({@code -log-start}, {@code
 * -log-stop}, {@code -log-pause}, {@code -log-resume}, {@code -log-truncate} for Backups, {@code
 * -prune} for Restores) gets a hash suffix instead ({@code backup-lb-log-start-1c0b2e7a}), which no
 * derived Job name ends with. Only an object named on purpose after another object's hashed Job
 * name can still collide, and that is reported ({@code JobNameTaken}), never adopted.
 */
public final class Names {
  public static final int MAX = 63;

  /** On clean Jobs, which have no owner reference: the name of the Backup they belong to. */
  public static final String BACKUP_ANNOTATION = "tidb-backup-operator/backup";

  /**
   * On clean Jobs: the UID of the Backup they belong to (the name alone is shared by re-created
   * Backups).
   */
  public static final String BACKUP_UID_ANNOTATION = "tidb-backup-operator/backup-uid";

  /**
   * On clean Jobs of {@code br.pingcap.com} Backups: their API group (absent: {@code pingcap.com}).
   */
  public static final String BACKUP_GROUP_ANNOTATION = "tidb-backup-operator/backup-group";

  /**
   * The operator's own finalizer on a Secret that a Backup's clean needs (its credentials): held
   * while a Backup with {@code cleanPolicy: Delete}, or a clean in flight, needs it, so that a
   * namespace deletion cannot remove the credentials before the clean that uses them. Added and
   * removed by patches that touch only this entry.
   */
  public static final String SECRET_HOLD_FINALIZER = "tidb-backup-operator/secret-hold";

  /** The label the Job controller puts on a Job's pods. */
  public static final String JOB_NAME_LABEL = "job-name";

  private static final int HASH_LEN = 8;
  private static final String PRUNE_SUFFIX = "-prune";

  private Names() {}

  /**
   * {@code backup-<name>} for snapshot and Dumpling backups, {@code backup-<name>-<log-cmd>} for
   * log backups; the snapshot Job of a Backup whose name ends with a log subcommand suffix is
   * hashed (see the class comment).
   */
  public static String backupJob(String backupName, LogSubCommand log) {
    if (log != null) {
      return bounded("backup-" + backupName + "-" + log.value());
    }
    boolean ambiguous =
        java.util.Arrays.stream(LogSubCommand.values())
            .anyMatch(c -> backupName.endsWith("-" + c.value()));
    return ambiguous ? hashed("backup-" + backupName) : bounded("backup-" + backupName);
  }

  public static String cleanJob(String backupName) {
    return bounded("clean-" + backupName);
  }

  /**
   * {@code restore-<name>}; hashed when the name ends with {@code -prune} (see the class comment).
   */
  public static String restoreJob(String restoreName) {
    return restoreName.endsWith(PRUNE_SUFFIX)
        ? hashed("restore-" + restoreName)
        : bounded("restore-" + restoreName);
  }

  public static String compactJob(String compactName) {
    return bounded("compact-" + compactName);
  }

  /** The Job of {@code prune: afterFailed} ({@code br abort restore}). */
  public static String restorePruneJob(String restoreName) {
    return bounded("restore-" + restoreName + PRUNE_SUFFIX);
  }

  /**
   * The Secret that carries an inline {@code spec.azblob.sasToken} to the pod as a secretKeyRef, or
   * null without a token. Its name ends with a hash of the owner's UID and the token, so it is
   * created once and never updated (the operator needs no get or update on Secrets): a changed
   * token is a new Secret, and each goes with its owner.
   */
  public static String sasSecret(String kind, HasMetadata owner, String token) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    return bounded(
        kind
            + "-"
            + owner.getMetadata().getName()
            + "-sas-"
            + hash("sas:" + owner.getMetadata().getUid() + ":" + token));
  }

  public static String clusterTlsSecret(String cluster) {
    return cluster + "-cluster-client-secret";
  }

  /**
   * Labels of a backup or clean Job and its pod (TiDB Operator's set), after the Backup's own
   * labels.
   */
  public static Map<String, String> backupJobLabels(HasMetadata backup, String component) {
    return jobLabels(backup, "backup", MANAGED_BY_VALUE, component, LABEL_BACKUP);
  }

  /** Who manages restore Jobs, as TiDB Operator v1.6 says it (pkg/apis/label, NewRestore). */
  public static final String RESTORE_MANAGED_BY = "restore-operator";

  /** Who manages compaction Jobs (TiDB Operator release-1.x, pkg/apis/label, NewCompactBackup). */
  public static final String COMPACT_MANAGED_BY = "compact-backup-operator";

  /**
   * Labels of a restore Job ({@code component} restore, or prune for the abort Job) and its pod.
   */
  public static Map<String, String> restoreJobLabels(HasMetadata restore, String component) {
    return jobLabels(restore, "restore", RESTORE_MANAGED_BY, component, LABEL_RESTORE);
  }

  /**
   * Labels of a compaction Job and its pod, as TiDB Operator release-1.x sets them
   * (pkg/controller/compactbackup/compact_backup_controller.go, makeCompactJob).
   */
  public static Map<String, String> compactJobLabels(HasMetadata compact) {
    return jobLabels(compact, "compactbackup", COMPACT_MANAGED_BY, "compactbackup", LABEL_COMPACT);
  }

  private static Map<String, String> jobLabels(
      HasMetadata cr, String appName, String managedBy, String component, String crLabel) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> own = cr.getMetadata().getLabels();
    if (own != null) {
      labels.putAll(own);
    }
    String name = cr.getMetadata().getName();
    labels.put(LABEL_NAME, appName);
    labels.put(LABEL_MANAGED_BY, managedBy);
    labels.put(
        LABEL_INSTANCE,
        labelValue(
            own != null && own.containsKey(LABEL_INSTANCE) ? own.get(LABEL_INSTANCE) : name));
    labels.put(LABEL_COMPONENT, component);
    labels.put(crLabel, labelValue(name));
    labels.putAll(io.tidbbackup.operator.surface.ApiSurface.of(cr).extraJobLabels());
    return labels;
  }

  /**
   * The label selector of one kind's Jobs ({@code backup}: backup and clean Jobs; {@code restore}:
   * restore and prune Jobs; {@code compact}), as {@link #jobLabels} sets them: what each
   * reconciler's Job informer watches. It also matches the labels earlier releases of this operator
   * gave restore and compaction Jobs, so a Job in flight across an upgrade is still seen.
   */
  public static String jobSelector(String kind) {
    return switch (kind) {
      case "backup" -> LABEL_MANAGED_BY + "=" + MANAGED_BY_VALUE + "," + LABEL_NAME + "=backup";
      case "restore" ->
          LABEL_MANAGED_BY
              + " in ("
              + RESTORE_MANAGED_BY
              + ","
              + MANAGED_BY_VALUE
              + "),"
              + LABEL_NAME
              + "=restore";
      case "compact" ->
          LABEL_MANAGED_BY
              + " in ("
              + COMPACT_MANAGED_BY
              + ","
              + MANAGED_BY_VALUE
              + "),"
              + LABEL_NAME
              + " in (compactbackup,compact)";
      default -> throw new IllegalArgumentException("no Jobs of kind " + kind);
    };
  }

  /** A label value: the value itself when it fits, else a hashed, bounded form. */
  public static String labelValue(String value) {
    return bounded(value);
  }

  /**
   * {@code s} when at most 63 characters, else its first characters, '-', and 8 hex of its SHA-256.
   */
  public static String bounded(String s) {
    if (s.length() <= MAX) {
      return s;
    }
    return head(s) + "-" + hash(s);
  }

  private static String head(String s) {
    String head = s.substring(0, Math.min(s.length(), MAX - HASH_LEN - 1));
    while (!head.isEmpty() && !Character.isLetterOrDigit(head.charAt(head.length() - 1))) {
      head = head.substring(0, head.length() - 1);
    }
    return head;
  }

  /**
   * {@code s-<hash>}, cut like {@link #bounded} when longer than 63: a name that ends with a hash,
   * so no derived Job name can equal it. The hash is salted, so that it differs from {@code
   * bounded(s)} when {@code s} is long (the long derived name {@code backup-<name>-log-start} is
   * {@code bounded} of the same string).
   */
  static String hashed(String s) {
    String h = hash("main:" + s);
    return s.length() + 1 + HASH_LEN <= MAX ? s + "-" + h : head(s) + "-" + h;
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
