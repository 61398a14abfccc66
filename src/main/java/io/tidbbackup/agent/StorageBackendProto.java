package io.tidbbackup.agent;

import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.storage.StorageLocation;
import io.tidbbackup.tools.ToolVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A storage provider as kvproto's {@code backup.StorageBackend} protobuf message, base64-encoded,
 * for {@code tikv-ctl compact-log-backup --storage-base64}: the message {@code br operator
 * base64ify --storage <url> <provider flags>} of the same release would print (TiDB Operator runs
 * that first), so that TiKV addresses the store as every other tool of the backup does. It carries
 * no credential: TiKV's storage clients read them from the same env vars the Job gets (AWS_*,
 * GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_ACCOUNT/KEY, AZURE_CLIENT_*).
 *
 * <p>BR's S3 rules (br/pkg/storage/s3.go {@code parseFromFlags}, {@code Apply}; newer pkg/objstore
 * {@code SetForcePathStyle}): the endpoint without one trailing slash, the prefix without leading
 * or trailing slashes, {@code provider} as given, and {@code force_path_style} true (the flags
 * always set it) unless the URL's {@code force-path-style} says otherwise; false for alibaba and
 * netease whatever the URL says; in the newest BR also for tencent, and, unless the URL names
 * force-path-style, for provider aws or an amazonaws.com endpoint.
 *
 * <p>Field numbers (kvproto proto/brpb.proto): StorageBackend local=2 s3=3 gcs=4
 * azure_blob_storage=7; S3 endpoint=1 region=2 bucket=3 prefix=4 storage_class=5 sse=6 acl=7
 * force_path_style=10 provider=16; GCS endpoint=1 bucket=2 prefix=3 storage_class=4
 * predefined_acl=5; Azure endpoint=1 bucket=2 prefix=3 storage_class=4 account_name=5; Local
 * path=1.
 */
public final class StorageBackendProto {

  private StorageBackendProto() {}

  /** The release whose BR addresses AWS S3 virtual-hosted unless told otherwise. */
  static final String VIRTUAL_HOST_AWS_SINCE = "newest";

  public static String base64(StorageProvider p, String toolVersion) {
    return Base64.getEncoder().encodeToString(encode(p, toolVersion));
  }

  public static byte[] encode(StorageProvider p, String toolVersion) {
    StorageLocation loc = StorageLocation.of(p);
    Message inner = new Message();
    int field;
    switch (p.storageType()) {
      case S3 -> {
        field = 3;
        inner
            .string(1, p.s3.endpoint == null ? null : p.s3.endpoint.replaceFirst("/$", ""))
            .string(2, p.s3.region)
            .string(3, loc.bucket())
            .string(4, loc.prefix().replaceAll("^/+|/+$", ""))
            .string(5, p.s3.storageClass)
            .string(6, p.s3.sse)
            .string(7, p.s3.acl)
            .bool(10, forcePathStyle(p.s3, ToolVersion.of(toolVersion)))
            .string(16, p.s3.provider);
      }
      case GCS -> {
        field = 4;
        inner
            .string(2, loc.bucket())
            .string(3, loc.prefix())
            .string(4, p.gcs.storageClass)
            .string(5, p.gcs.objectAcl);
      }
      case AZBLOB -> {
        field = 7;
        inner
            .string(2, loc.bucket())
            .string(3, loc.prefix())
            .string(4, p.azblob.accessTier)
            .string(5, p.azblob.storageAccount);
      }
      case LOCAL -> {
        field = 2;
        inner.string(1, "/" + StorageLocation.clean(loc.bucket() + "/" + loc.prefix()));
      }
      default -> throw new IllegalArgumentException("no storage provider");
    }
    return new Message().message(field, inner.bytes()).bytes();
  }

  /** BR's force_path_style for the same storage flags and URL (see the class comment). */
  static boolean forcePathStyle(io.tidbbackup.api.S3StorageProvider s3, ToolVersion v) {
    String provider = s3.provider == null ? "" : s3.provider;
    boolean newest = v.atLeast(VIRTUAL_HOST_AWS_SINCE);
    if (provider.equals("alibaba")
        || provider.equals("netease")
        || (newest && provider.equals("tencent"))) {
      return false;
    }
    if (s3.forcePathStyle != null) {
      return s3.forcePathStyle;
    }
    return !(newest
        && (provider.equals("aws")
            || (s3.endpoint != null && s3.endpoint.contains("amazonaws.com"))));
  }

  /**
   * The few protobuf encodings a StorageBackend needs: length-delimited strings and messages,
   * varint bools.
   */
  static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message string(int field, String value) {
      if (value != null && !value.isEmpty()) {
        message(field, value.getBytes(StandardCharsets.UTF_8));
      }
      return this;
    }

    Message bool(int field, boolean value) {
      if (value) {
        varint(field << 3);
        varint(1);
      }
      return this;
    }

    Message message(int field, byte[] body) {
      varint((field << 3) | 2);
      varint(body.length);
      out.writeBytes(body);
      return this;
    }

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
