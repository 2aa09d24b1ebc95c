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
     *
     * @param progress the counters that changed, to read the new values from
     */
    void changed(Progress progress);
  }

  /** Counters that only those who read them learn about. */
  public Progress() {
    this(p -> { });
  }

  /**
   * Counters that tell {@code listener} of every change.
   *
   * @param listener told after every change; must be thread-safe and quick
   */
  public Progress(Listener listener) {
    this.listener = listener;
  }

  /**
   * Sets the expected total; -1 when unknown.
   *
   * @param total the bytes the job expects to read or write, or -1 if unknown
   */
  public void setTotalBytes(long total) {
    totalBytes.set(total);
    listener.changed(this);
  }

  /**
   * Counts {@code n} more bytes done.
   *
   * @param n bytes read or written since the last call; at least 0
   */
  public void addBytes(long n) {
    doneBytes.addAndGet(n);
    listener.changed(this);
  }

  /** Counts one more item (a file, a snapshot) done. */
  public void addItem() {
    doneItems.incrementAndGet();
    listener.changed(this);
  }

  /**
   * Counts a file of {@code bytes} that was not read because it did not change since the parent
   * snapshot; it counts as done too, so the done bytes still reach the total.
   *
   * @param bytes the file's size in bytes
   */
  public void addUnchanged(long bytes) {
    unchangedBytes.addAndGet(bytes);
    unchangedItems.incrementAndGet();
    doneBytes.addAndGet(bytes);
    doneItems.incrementAndGet();
    listener.changed(this);
  }

  /**
   * Bytes of files skipped as unchanged (included in {@link #doneBytes()}).
   *
   * @return bytes not read because their files were unchanged
   */
  public long unchangedBytes() {
    return unchangedBytes.get();
  }

  /**
   * Files skipped as unchanged (included in {@link #doneItems()}).
   *
   * @return files not read because they were unchanged
   */
  public long unchangedItems() {
    return unchangedItems.get();
  }

  /**
   * The expected total, for a percentage.
   *
   * @return the bytes the job expects, or -1 if unknown
   */
  public long totalBytes() {
    return totalBytes.get();
  }

  /**
   * How far the job is.
   *
   * @return bytes done so far, unchanged files included
   */
  public long doneBytes() {
    return doneBytes.get();
  }

  /**
   * How many items (files, snapshots) are done.
   *
   * @return items done so far, unchanged files included
   */
  public long doneItems() {
    return doneItems.get();
  }

  /**
   * Seconds since the job started.
   *
   * @return seconds since these counters were created
   */
  public double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
