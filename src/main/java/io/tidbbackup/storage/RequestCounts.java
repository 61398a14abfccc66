package io.tidbbackup.storage;

import java.util.concurrent.atomic.AtomicLong;

/** Requests a store has sent, by kind. */
public final class RequestCounts {
  private final AtomicLong list = new AtomicLong();
  private final AtomicLong delete = new AtomicLong();

  public void listed() {
    list.incrementAndGet();
  }

  public void deleted() {
    delete.incrementAndGet();
  }

  public long list() {
    return list.get();
  }

  public long delete() {
    return delete.get();
  }
}
