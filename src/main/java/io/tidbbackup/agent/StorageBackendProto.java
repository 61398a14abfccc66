package io.tidbbackup.agent;

import io.tidbbackup.api.StorageProvider;
import io.tidbbackup.storage.StorageLocation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A storage provider as kvproto's {@code backup.StorageBackend} protobuf message, base64-encoded,
 * for {@code tikv-ctl compact-log-backup --storage-base64}. It carries no credential: TiKV's
 * storage clients read them from the same env vars the Job gets (AWS_*,
 * GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_ACCOUNT/KEY, AZURE_CLIENT_*). Field numbers
 * (brpb.proto): StorageBackend local=2 s3=3 gcs=4 azure_blob_storage=7; S3 endpoint=1 region=2
 * bucket=3 prefix=4 storage_class=5 sse=6 acl=7 force_path_style=10; GCS endpoint=1 bucket=2
 * prefix=3 storage_class=4 predefined_acl=5; Azure endpoint=1 bucket=2 prefix=3 storage_class=4
 * account_name=5; Local path=1.
 */
public final class StorageBackendProto {

  private StorageBackendProto() {}

  public static String base64(StorageProvider p) {
    return Base64.getEncoder().encodeToString(encode(p));
  }

  public static byte[] encode(StorageProvider p) {
    StorageLocation loc = StorageLocation.of(p);
    Message inner = new Message();
    int field;
    switch (p.storageType()) {
      case S3 -> {
        field = 3;
        inner
            .string(1, p.s3.endpoint)
            .string(2, p.s3.region)
            .string(3, loc.bucket())
            .string(4, loc.prefix())
            .string(5, p.s3.storageClass)
            .string(6, p.s3.sse)
            .string(7, p.s3.acl)
            // path style unless the spec says otherwise, as TiDB Operator's S3 client does for
            // non-AWS stores
            .bool(
                10,
                p.s3.forcePathStyle != null
                    ? p.s3.forcePathStyle
                    : !"aws".equals(p.s3.provider)
                        && !"alibaba".equals(p.s3.provider)
                        && !"netease".equals(p.s3.provider));
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
