package io.tidbbackup.api;

/**
 * Environment variable names: the contract between the Jobs the operator builds and the agent
 * inside them.
 */
public final class JobEnv {
  /** The spec the agent works on, as JSON, with every secret removed. */
  public static final String SPEC = "TIDB_BACKUP_SPEC";

  public static final String BR_LOG_TO_TERM = "BR_LOG_TO_TERM";
  public static final String PASSWORD = "BACKUP_MANAGER_PASSWORD";
  public static final String KMS_PASSWORD = "KMS_ENCRYPTED_BACKUP_MANAGER_PASSWORD";
  public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  public static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";
  public static final String GCS_SERVICE_ACCOUNT_JSON_KEY = "GCS_SERVICE_ACCOUNT_JSON_KEY";
  public static final String GOOGLE_APPLICATION_CREDENTIALS = "GOOGLE_APPLICATION_CREDENTIALS";
  public static final String AZURE_STORAGE_ACCOUNT = "AZURE_STORAGE_ACCOUNT";
  public static final String AZURE_STORAGE_KEY = "AZURE_STORAGE_KEY";
  public static final String AZURE_CLIENT_ID = "AZURE_CLIENT_ID";
  public static final String AZURE_CLIENT_SECRET = "AZURE_CLIENT_SECRET";
  public static final String AZURE_TENANT_ID = "AZURE_TENANT_ID";
  public static final String AZURE_SAS_TOKEN = "AZURE_SAS_TOKEN";

  /** Where the agent writes its JSON result; the container's terminationMessagePath. */
  public static final String TERMINATION_LOG = "TERMINATION_LOG";

  /** Secret keys, as in TiDB Operator v1. */
  public static final String S3_ACCESS_KEY = "access_key";

  public static final String S3_SECRET_KEY = "secret_key";
  public static final String GCS_CREDENTIALS_KEY = "credentials";
  public static final String TIDB_PASSWORD_KEY = "password";

  /** Mount points inside Job pods. */
  public static final String CLUSTER_TLS_DIR = "/var/lib/cluster-client-tls";

  public static final String CLIENT_TLS_DIR = "/var/lib/tidb-client-tls";
  public static final String BR_BIN_DIR = "/var/lib/br-bin";
  public static final String DUMPLING_BIN_DIR = "/var/lib/dumpling-bin";
  public static final String LIGHTNING_BIN_DIR = "/var/lib/lightning-bin";
  public static final String TIKV_BIN_DIR = "/var/lib/tikv-bin";

  /**
   * Where the keys of spec.encryption are mounted, one directory per part ({@code snapshot}, {@code
   * log}, {@code master-key}), each holding one file, {@code key}.
   */
  public static final String ENCRYPTION_DIR = "/var/lib/br-encryption";

  /** The file a part's key is mounted as: {@code <ENCRYPTION_DIR>/<part>/key}. */
  public static String encryptionKeyFile(String part) {
    return ENCRYPTION_DIR + "/" + part + "/key";
  }

  /** Set by Kubernetes in the pods of an Indexed Job (a sharded compaction). */
  public static final String JOB_COMPLETION_INDEX = "JOB_COMPLETION_INDEX";

  /**
   * Where a Lightning restore unpacks a Dumpling export archive (TiDB Operator's BackupRootPath): a
   * volume of the Job, an ephemeral claim of spec.storageSize when that is set.
   */
  public static final String RESTORE_DATA_DIR = "/backup";

  /**
   * With {@code useKMS}, a secret variable arrives under this prefix holding AWS KMS ciphertext
   * (base64), as TiDB Operator names it ({@code KMS_ENCRYPTED_BACKUP_MANAGER_PASSWORD}); the agent
   * decrypts it into the variable without the prefix.
   */
  public static final String KMS_ENCRYPTED_PREFIX = "KMS_ENCRYPTED_";

  /** The AWS SDKs' own KMS endpoint override (a VPC endpoint, a test server). */
  public static final String AWS_ENDPOINT_URL_KMS = "AWS_ENDPOINT_URL_KMS";

  /** A writable emptyDir (the agent's image has a read-only root filesystem). */
  public static final String SCRATCH_DIR = "/tmp";

  private JobEnv() {}
}
