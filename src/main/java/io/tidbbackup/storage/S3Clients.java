package io.tidbbackup.storage;

import io.tidbbackup.api.JobEnv;
import io.tidbbackup.api.S3StorageProvider;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How the SDK client of an S3 store is made: region, endpoint and path style as TiDB Operator does
 * them, the connection pool and timeouts of {@link StoreOptions}, and the credentials. Apart from
 * {@link S3Store}, which holds only the calls it makes through the client; {@code S3Store.client}
 * and {@code S3Store.credentials} stay the public way in.
 */
final class S3Clients {
  private S3Clients() {}

  /**
   * The SDK client a store of {@code s3} talks through: its connection pool, timeouts of each
   * attempt and of each call, credentials and addressing style.
   */
  static S3Client client(S3StorageProvider s3, StoreOptions o) {
    String region = s3.region == null || s3.region.isEmpty() ? "us-east-1" : s3.region;
    var b =
        S3Client.builder()
            .region(Region.of(region))
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .maxConnections(Math.max(16, o.maxConnections()))
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60)))
            .overrideConfiguration(
                c -> c.apiCallAttemptTimeout(o.attemptTimeout()).apiCallTimeout(o.callTimeout()))
            .credentialsProvider(credentials(o))
            .forcePathStyle(pathStyle(s3));
    if (s3.endpoint != null && !s3.endpoint.isEmpty()) {
      b.endpointOverride(URI.create(s3.endpoint));
    }
    return b.build();
  }

  /**
   * Path style by default (S3-compatible stores), virtual-hosted for AWS without endpoint and for
   * Alibaba/NetEase.
   */
  static boolean pathStyle(S3StorageProvider s3) {
    if (s3.forcePathStyle != null) {
      return s3.forcePathStyle;
    }
    String p = s3.provider == null ? "" : s3.provider.toLowerCase();
    if (p.equals("alibaba") || p.equals("netease")) {
      return false;
    }
    return !(p.equals("aws") && (s3.endpoint == null || s3.endpoint.isEmpty()));
  }

  /** Static keys from the Job's env when set, else (where allowed) the default chain (IRSA). */
  static AwsCredentialsProvider credentials(StoreOptions o) {
    String id = o.get(JobEnv.AWS_ACCESS_KEY_ID);
    String secret = o.get(JobEnv.AWS_SECRET_ACCESS_KEY);
    if (id != null && secret != null) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }
    if (!o.ambientCredentials()) {
      throw StoreOptions.noAmbientCredentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
