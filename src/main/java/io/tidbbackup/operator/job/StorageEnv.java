package io.tidbbackup.operator.job;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.tidbbackup.api.AzblobStorageProvider;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.StorageProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Credentials of a storage provider as env vars. Every credential is a secretKeyRef (keys as in
 * TiDB Operator v1); nothing secret is ever a plain value. Without a secret, nothing is injected
 * and the pod's service account (IRSA, workload identity) or the node's identity applies.
 */
public final class StorageEnv {

  private StorageEnv() {}

  /**
   * @param sasSecret the Secret that holds an inline {@code azblob.sasToken} (see {@link
   *     Names#sasSecret}), or null when the spec has none
   */
  public static List<EnvVar> of(StorageProvider p, String sasSecret) {
    List<EnvVar> env = new ArrayList<>();
    if (p.storageType() == null) {
      return env;
    }
    // the plain variables first, in TiDB Operator v1.6's order and with its defaults
    // (pkg/backup/util/util.go: generateS3CertEnvVar, generateGcsCertEnvVar,
    // generateAzblobCertEnvVar); the tools take their settings from flags, so these are its Job
    // shape for scripts and sidecars that read them
    switch (p.storageType()) {
      case S3 -> {
        boolean aws = "aws".equalsIgnoreCase(p.s3.provider);
        env.add(plain("S3_PROVIDER", orEmpty(p.s3.provider)));
        env.add(plain("S3_ENDPOINT", orEmpty(p.s3.endpoint)));
        env.add(plain("AWS_REGION", orEmpty(p.s3.region)));
        env.add(plain("AWS_ACL", aws && !notEmpty(p.s3.acl) ? "private" : orEmpty(p.s3.acl)));
        env.add(
            plain(
                "AWS_STORAGE_CLASS",
                aws && !notEmpty(p.s3.storageClass) ? "STANDARD_IA" : orEmpty(p.s3.storageClass)));
      }
      case GCS -> {
        env.add(plain("GCS_PROJECT_ID", orEmpty(p.gcs.projectId)));
        env.add(plain("GCS_OBJECT_ACL", orEmpty(p.gcs.objectAcl)));
        env.add(plain("GCS_BUCKET_ACL", orEmpty(p.gcs.bucketAcl)));
        env.add(plain("GCS_LOCATION", orEmpty(p.gcs.location)));
        env.add(plain("GCS_STORAGE_CLASS", orEmpty(p.gcs.storageClass)));
      }
      case AZBLOB ->
          env.add(
              plain(
                  "AZURE_ACCESS_TIER",
                  notEmpty(p.azblob.accessTier) ? p.azblob.accessTier : "Cool"));
      case LOCAL -> {}
    }
    switch (p.storageType()) {
      case S3 -> {
        if (notEmpty(p.s3.secretName)) {
          env.add(
              secretRef(JobEnv.AWS_ACCESS_KEY_ID, p.s3.secretName, JobEnv.S3_ACCESS_KEY, false));
          env.add(
              secretRef(
                  JobEnv.AWS_SECRET_ACCESS_KEY, p.s3.secretName, JobEnv.S3_SECRET_KEY, false));
        }
      }
      case GCS -> {
        if (notEmpty(p.gcs.secretName)) {
          env.add(
              secretRef(
                  JobEnv.GCS_SERVICE_ACCOUNT_JSON_KEY,
                  p.gcs.secretName,
                  JobEnv.GCS_CREDENTIALS_KEY,
                  false));
        }
      }
      case AZBLOB -> {
        AzblobStorageProvider az = p.azblob;
        if (notEmpty(az.storageAccount)) {
          env.add(plain(JobEnv.AZURE_STORAGE_ACCOUNT, az.storageAccount));
        } else if (notEmpty(az.secretName)) {
          env.add(
              secretRef(
                  JobEnv.AZURE_STORAGE_ACCOUNT,
                  az.secretName,
                  JobEnv.AZURE_STORAGE_ACCOUNT,
                  false));
        }
        if (sasSecret != null) {
          env.add(secretRef(JobEnv.AZURE_SAS_TOKEN, sasSecret, JobEnv.AZURE_SAS_TOKEN, false));
        } else if (notEmpty(az.secretName)) {
          // Which of shared key, AAD or SAS the secret holds is decided by the agent from what is
          // set.
          for (String key :
              List.of(
                  JobEnv.AZURE_STORAGE_KEY,
                  JobEnv.AZURE_CLIENT_ID,
                  JobEnv.AZURE_CLIENT_SECRET,
                  JobEnv.AZURE_TENANT_ID,
                  JobEnv.AZURE_SAS_TOKEN)) {
            env.add(secretRef(key, az.secretName, key, true));
          }
        }
      }
      case LOCAL -> {}
    }
    return env;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  public static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  public static EnvVar secretRef(String name, String secret, String key, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(optional ? Boolean.TRUE : null)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  /**
   * {@code base} with {@code overrides} applied by name: same name replaces in place, new names are
   * appended.
   */
  public static List<EnvVar> overrideByName(List<EnvVar> base, List<EnvVar> overrides) {
    List<EnvVar> out = new ArrayList<>(base);
    if (overrides == null) {
      return out;
    }
    for (EnvVar o : overrides) {
      int i = indexOf(out, o.getName());
      if (i >= 0) {
        out.set(i, o);
      } else {
        out.add(o);
      }
    }
    return out;
  }

  private static int indexOf(List<EnvVar> env, String name) {
    for (int i = 0; i < env.size(); i++) {
      if (env.get(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }

  /**
   * The variable the TiDB password reaches the pod in: with {@code useKMS} the Secret holds KMS
   * ciphertext, named as TiDB Operator names it (pkg/backup/util/util.go, getPasswordKey), for the
   * agent to decrypt.
   */
  public static String passwordVar(io.tidbbackup.api.ToolJobSpec spec) {
    return Boolean.TRUE.equals(spec.useKMS) ? JobEnv.KMS_PASSWORD : JobEnv.PASSWORD;
  }

  /** With {@code useKMS}: the key's region from s3.region, as upstream (AWS_DEFAULT_REGION). */
  public static List<EnvVar> kms(io.tidbbackup.api.ToolJobSpec spec) {
    if (!Boolean.TRUE.equals(spec.useKMS)
        || spec.s3 == null
        || spec.s3.region == null
        || spec.s3.region.isEmpty()) {
      return List.of();
    }
    return List.of(plain(JobEnv.AWS_DEFAULT_REGION, spec.s3.region));
  }
}
