package dev.bulwark.core.backend;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * A rate in bytes per second that any number of threads draw from together: each transfer
 * takes tokens for its bytes and waits until the bucket has earned them. Thread-safe.
 *
 * <p>Tokens are reserved before waiting (the bucket may go negative), so concurrent callers
 * queue behind each other in the order they arrived and the total rate stays at the limit
 * however many threads transfer at once. The bucket starts full and holds at most {@link
 * #burstBytes()}: after an idle spell that much may pass at once, never more.
 */
public final class TokenBucket {
  /** Bytes taken at a time: a 16 MiB pack waits slice by slice, letting others in between. */
  static final int SLICE_BYTES = 64 * 1024;
  /** The burst is this fraction of one second's worth of bytes (but at least one slice). */
  private static final long BURST_DIVISOR = 4;
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  private final long bytesPerSecond;
  private final long burstBytes;
  private double tokens;
  private long refilledAt;

  /**
   * A bucket of {@code bytesPerSecond}.
   *
   * @throws IllegalArgumentException if the rate is not positive
   */
  public TokenBucket(long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("a rate must be positive, got " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.burstBytes = Math.max(SLICE_BYTES, bytesPerSecond / BURST_DIVISOR);
    this.tokens = burstBytes;
    this.refilledAt = System.nanoTime();
  }

  /** The rate this bucket allows, in bytes per second. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** The most bytes that can pass without waiting, after the bucket was idle long enough. */
  public long burstBytes() {
    return burstBytes;
  }

  /**
   * Waits until {@code bytes} may pass, taking them slice by slice.
   *
   * @throws InterruptedIOException if the thread is interrupted while waiting (its interrupt
   *     flag is set again); the bytes not yet waited for are not taken
   */
  public void take(long bytes) throws InterruptedIOException {
    long left = bytes;
    while (left > 0) {
      long slice = Math.min(left, SLICE_BYTES);
      sleep(reserve(slice));
      left -= slice;
    }
  }

  /** Takes {@code n} tokens now and returns how long to wait before they are earned. */
  private synchronized long reserve(long n) {
    long now = System.nanoTime();
    tokens = Math.min(burstBytes,
        tokens + (double) (now - refilledAt) * bytesPerSecond / NANOS_PER_SECOND);
    refilledAt = now;
    tokens -= n;
    if (tokens >= 0) {
      return 0;
    }
    return (long) Math.ceil(-tokens * NANOS_PER_SECOND / bytesPerSecond);
  }

  private static void sleep(long nanos) throws InterruptedIOException {
    if (nanos <= 0) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted while waiting for "
          + "the transfer rate limit");
      io.initCause(e);
      throw io;
    }
  }
}
