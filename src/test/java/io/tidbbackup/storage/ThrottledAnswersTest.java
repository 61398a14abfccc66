package io.tidbbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import com.google.cloud.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which answers of GCS and Azure Blob are the store asking to slow down (sent again, fewer in
 * flight: {@link StoreThrottledException}) and which are failures of the call. S3's are covered
 * against a real protocol server in S3FaultCleanTest.
 */
class ThrottledAnswersTest {

  @Test
  void gcsRateLimitsAndUnavailableAreThrottlingOtherErrorsAreNot() {
    assertThat(GcsStore.throttled(new StorageException(429, "too many", "rateLimitExceeded", null)))
        .isTrue();
    assertThat(GcsStore.throttled(new StorageException(503, "backend unavailable"))).isTrue();
    assertThat(
            GcsStore.throttled(new StorageException(403, "quota", "userRateLimitExceeded", null)))
        .isTrue();
    assertThat(GcsStore.throttled(new StorageException(403, "denied", "forbidden", null)))
        .isFalse();
    assertThat(GcsStore.throttled(new StorageException(404, "no such object"))).isFalse();
    assertThat(GcsStore.throttled(new StorageException(500, "internal"))).isFalse();
  }

  @Test
  void azureServerBusyAndTooManyRequestsAreThrottlingOtherErrorsAreNot() {
    assertThat(AzureStore.throttled(azure(503, "ServerBusy"))).isTrue();
    assertThat(AzureStore.throttled(azure(500, "OperationTimedOut"))).isTrue();
    assertThat(AzureStore.throttled(azure(429, "TooManyRequests"))).isTrue();
    assertThat(AzureStore.throttled(azure(403, "AuthorizationFailure"))).isFalse();
    assertThat(AzureStore.throttled(azure(404, "BlobNotFound"))).isFalse();
    assertThat(AzureStore.throttled(azure(500, "InternalError"))).isFalse();
  }

  /** What the SDK throws for an answer with this status and x-ms-error-code. */
  static BlobStorageException azure(int status, String code) {
    HttpHeaders headers = new HttpHeaders().set(HttpHeaderName.fromString("x-ms-error-code"), code);
    HttpResponse response =
        new HttpResponse(null) {
          @Override
          public int getStatusCode() {
            return status;
          }

          @Override
          @SuppressWarnings("deprecation")
          public String getHeaderValue(String name) {
            return headers.getValue(name);
          }

          @Override
          public HttpHeaders getHeaders() {
            return headers;
          }

          @Override
          public Flux<ByteBuffer> getBody() {
            return Flux.empty();
          }

          @Override
          public Mono<byte[]> getBodyAsByteArray() {
            return Mono.empty();
          }

          @Override
          public Mono<String> getBodyAsString() {
            return Mono.empty();
          }

          @Override
          public Mono<String> getBodyAsString(Charset charset) {
            return Mono.empty();
          }
        };
    return new BlobStorageException(code, response, null);
  }
}
