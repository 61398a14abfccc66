package io.tidbbackup.agent;

import io.tidbbackup.api.AzblobStorageProvider;
import io.tidbbackup.api.GcsStorageProvider;
import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.S3StorageProvider;
import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.storage.StorageLocation;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The one implementation of "storage provider → tool flags" ({@code --storage=… --s3.region=…}),
 * shared by BR backup, BR restore, Dumpling and Lightning. Flag order as in TiDB Operator's
 * GenStorageArgsForFlag.
 */
public final class StorageFlags {

  private StorageFlags() {}

  /**
   * The storage URL with the query parameters BR needs, as TiDB Operator v1.6 builds them
   * (pkg/backup/util/remote.go, newS3StorageOptionForFlag and newAzblobStorageOptionForFlag): S3's
   * {@code force-path-style} only on {@code --storage} (never on {@code --full-backup-storage});
   * Azure's {@code account-name} (spec.azblob.storageAccount) and {@code sas-token}, each
   * URL-encoded as Go's url.Values does (a SAS token is itself a query string), on every flag.
   */
  public static List<Arg> storageUrl(
      String flag, StorageProvider p, StorageLocation loc, Set<String> presentEnv) {
    String url = loc.url();
    List<Arg> out = new ArrayList<>();
    switch (loc.type()) {
      case S3 -> {
        String q =
            p.s3.forcePathStyle == null || !flag.equals("--storage=")
                ? ""
                : "?force-path-style=" + p.s3.forcePathStyle;
        out.add(Arg.of(flag + url + q));
      }
      case AZBLOB -> {
        AzblobStorageProvider az = p.azblob;
        String account =
            az.storageAccount != null && !az.storageAccount.isEmpty()
                ? "account-name=" + URLEncoder.encode(az.storageAccount, StandardCharsets.UTF_8)
                : "";
        if (presentEnv.contains(JobEnv.AZURE_SAS_TOKEN)) {
          out.add(
              Arg.secretInQuery(
                  flag + url + "?" + (account.isEmpty() ? "" : account + "&") + "sas-token=",
                  JobEnv.AZURE_SAS_TOKEN));
        } else {
          out.add(Arg.of(flag + url + (account.isEmpty() ? "" : "?" + account)));
        }
      }
      default -> out.add(Arg.of(flag + url));
    }
    return out;
  }

  /** {@code --storage=<url>} followed by the provider's own flags. */
  public static List<Arg> forBr(StorageProvider p, StorageLocation loc, Set<String> presentEnv) {
    List<Arg> out = storageUrl("--storage=", p, loc, presentEnv);
    out.addAll(providerFlags(p));
    return out;
  }

  /**
   * The provider flags only ({@code --s3.region=…}, {@code --gcs.storage-class=…}, {@code
   * --azblob.access-tier=…}).
   */
  public static List<Arg> providerFlags(StorageProvider p) {
    List<Arg> out = new ArrayList<>();
    switch (p.storageType()) {
      case S3 -> {
        S3StorageProvider s3 = p.s3;
        add(out, "--s3.region=", s3.region);
        add(out, "--s3.provider=", s3.provider);
        add(out, "--s3.endpoint=", s3.endpoint);
        add(out, "--s3.sse=", s3.sse);
        add(out, "--s3.acl=", s3.acl);
        add(out, "--s3.storage-class=", s3.storageClass);
      }
      case GCS -> {
        GcsStorageProvider gcs = p.gcs;
        add(out, "--gcs.storage-class=", gcs.storageClass);
        add(out, "--gcs.predefined-acl=", gcs.objectAcl);
      }
      case AZBLOB -> add(out, "--azblob.access-tier=", p.azblob.accessTier);
      case LOCAL -> {}
    }
    return out;
  }

  static void add(List<Arg> out, String flag, Object value) {
    if (value != null && !value.toString().isEmpty()) {
      out.add(Arg.of(flag + value));
    }
  }
}
