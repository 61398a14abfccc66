package io.tidbbackup.storage;

/**
 * How many delete calls a clean keeps in flight, adapted to the store (additive increase,
 * multiplicative decrease): halved when the store throttles (at most once per {@link
 * #COOL_DOWN_NS}, as the calls already in flight answer the same), one more after a window's worth
 * of calls that went through; never above the configured concurrency ({@code batchConcurrency} or
 * {@code routineConcurrency}) nor below one. A store that never throttles keeps the configured
 * concurrency from the first call on.
 */
final class AdaptiveWindow {
  static final long COOL_DOWN_NS = 100_000_000L;

  private final int max;
  private double window;
  private long lastCut;
  private long throttles;

  AdaptiveWindow(int max) {
    this.max = Math.max(1, max);
    this.window = this.max;
  }

  synchronized int current() {
    return (int) Math.max(1, Math.floor(window));
  }

  synchronized void succeeded() {
    window = Math.min(max, window + 1.0 / Math.max(1.0, window));
  }

  synchronized void throttled() {
    throttles++;
    long now = System.nanoTime();
    if (throttles == 1 || now - lastCut > COOL_DOWN_NS) {
      window = Math.max(1.0, window / 2);
      lastCut = now;
    }
  }
}
