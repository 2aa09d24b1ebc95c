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
  private final AtomicLong unchangedBytes = new AtomicLong();
  private final AtomicLong unchangedItems = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private final Listener listener;

  /** Told of every change, for a service that pushes progress rather than polling it. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called after each change, on the thread that made it (often a worker, and often: once a
     * chunk), so it must be thread-safe, cheap and must not throw.
     */
    void changed(Progress progress);
  }

  /** Counters that only those who read them learn about. */
  public Progress() {
    this(p -> { });
  }

  /** Counters that tell {@code listener} of every change. */
  public Progress(Listener listener) {
    this.listener = listener;
  }

  /** Sets the expected total; -1 when unknown. */
  public void setTotalBytes(long total) {
    totalBytes.set(total);
    listener.changed(this);
  }

  public void addBytes(long n) {
    doneBytes.addAndGet(n);
    listener.changed(this);
  }

  public void addItem() {
    doneItems.incrementAndGet();
    listener.changed(this);
  }

  /**
   * Counts a file of {@code bytes} that was not read because it did not change since the parent
   * snapshot; it counts as done too, so the done bytes still reach the total.
   */
  public void addUnchanged(long bytes) {
    unchangedBytes.addAndGet(bytes);
    unchangedItems.incrementAndGet();
    doneBytes.addAndGet(bytes);
    doneItems.incrementAndGet();
    listener.changed(this);
  }

  /** Bytes of files skipped as unchanged (included in {@link #doneBytes()}). */
  public long unchangedBytes() {
    return unchangedBytes.get();
  }

  /** Files skipped as unchanged (included in {@link #doneItems()}). */
  public long unchangedItems() {
    return unchangedItems.get();
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
