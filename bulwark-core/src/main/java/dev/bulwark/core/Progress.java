package dev.bulwark.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters a running job updates and anyone may read: bytes and items done out of an expected
 * total. Thread-safe; reading never blocks the job.
 */
public final class Progress {
  private final AtomicLong totalBytes = new AtomicLong(-1);
  private final AtomicLong doneBytes = new AtomicLong();
  private final AtomicLong doneItems = new AtomicLong();
  private final long startNanos = System.nanoTime();

  /** Sets the expected total; -1 when unknown. */
  public void setTotalBytes(long total) {
    totalBytes.set(total);
  }

  public void addBytes(long n) {
    doneBytes.addAndGet(n);
  }

  public void addItem() {
    doneItems.incrementAndGet();
  }

  public long totalBytes() {
    return totalBytes.get();
  }

  public long doneBytes() {
    return doneBytes.get();
  }

  public long doneItems() {
    return doneItems.get();
  }

  /** Seconds since the job started. */
  public double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
