package io.tidbbackup.storage;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Plants and reads objects on a local S3 server (s3proxy) for tests and benchmarks. */
public final class TestingS3 {

  private TestingS3() {}

  public static S3Client client(String endpoint) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
        .build();
  }

  /** Puts a one-byte object at every key, 8 at a time. */
  public static void put(S3Client c, String bucket, List<String> keys) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (String k : keys) {
        fs.add(
            pool.submit(
                () -> c.putObject(b -> b.bucket(bucket).key(k), RequestBody.fromString("x"))));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  public static List<String> keys(S3Client c, String bucket) {
    List<String> out = new ArrayList<>();
    c.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
        .map(S3Object::key)
        .forEach(out::add);
    return out;
  }
}
