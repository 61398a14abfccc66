package io.tidbbackup.operator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidbbackup.api.CleanReport;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An in-process clean counts as stopped only once its thread has left the clean, not when its
 * Future says done.
 */
class InProcessCleanerTest {

  @Test
  void stopIsConfirmedOnlyOnceTheCleanHasReallyEnded() throws Exception {
    try (InProcessCleaner cleaner = new InProcessCleaner()) {
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicBoolean sentAfterInterrupt = new AtomicBoolean();
      Future<CleanReport> f =
          cleaner.submit(
              "uid-1",
              () -> {
                inside.countDown();
                // a delete request in flight, which does not answer the interrupt at once
                boolean released = false;
                while (!released) {
                  try {
                    released = release.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    // the request goes on
                  }
                }
                sentAfterInterrupt.set(true);
                return null;
              });
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      // interrupted, Future done (cancelled) at once, and yet the clean still runs: not confirmed
      assertThat(cleaner.stop("uid-1")).isFalse();
      assertThat(f.isDone()).isTrue();
      assertThat(cleaner.stop("uid-1")).isFalse();
      assertThat(cleaner.get("uid-1")).as("still tracked while it runs").isNotNull();
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean stopped = false;
      while (!stopped && System.nanoTime() < deadline) {
        stopped = cleaner.stop("uid-1");
        Thread.sleep(10);
      }
      assertThat(stopped).isTrue();
      assertThat(sentAfterInterrupt).isTrue();
      assertThat(cleaner.get("uid-1")).isNull();
    }
  }

  @Test
  void aCleanStoppedBeforeItsThreadTookItNeverStarts() throws Exception {
    try (InProcessCleaner cleaner = new InProcessCleaner()) {
      CountDownLatch busy = new CountDownLatch(1);
      CountDownLatch inside = new CountDownLatch(2);
      for (String uid : new String[] {"a", "b"}) { // the pool has two threads: keep both busy
        cleaner.submit(
            uid,
            () -> {
              inside.countDown();
              busy.await();
              return null;
            });
      }
      assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
      AtomicBoolean ran = new AtomicBoolean();
      cleaner.submit(
          "queued",
          () -> {
            ran.set(true);
            return null;
          });
      assertThat(cleaner.stop("queued")).as("never started: stopped at once").isTrue();
      busy.countDown();
      Thread.sleep(200);
      assertThat(ran).isFalse();
    }
  }

  @Test
  void cleansAreKeyedByUidSoARecreatedBackupNeverSeesTheEarlierOnesClean() throws Exception {
    try (InProcessCleaner cleaner = new InProcessCleaner()) {
      CountDownLatch hold = new CountDownLatch(1);
      cleaner.submit(
          "uid-old",
          () -> {
            hold.await();
            return null;
          });
      assertThat(cleaner.get("uid-new")).isNull();
      assertThat(cleaner.stop("uid-new")).isTrue();
      hold.countDown();
    }
  }
}
