package dev.bulwark.core.concurrent;

import java.io.InterruptedIOException;
import java.util.concurrent.Semaphore;

/**
 * A share of the heap that threads holding large buffers take from before allocating them, so
 * that the number of such buffers alive at once follows the heap, not the number of cores. A
 * request larger than the whole budget takes all of it: one buffer at a time always proceeds.
 */
public final class HeapBudget {
  private static final int UNIT = 1 << 20;
  private final Semaphore mebibytes;
  private final int total;

  private HeapBudget(long bytes) {
    this.total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / UNIT));
    this.mebibytes = new Semaphore(total);
  }

  /** A budget of {@code bytes} (at least 1 MiB). */
  public static HeapBudget of(long bytes) {
    return new HeapBudget(bytes);
  }

  /** A budget of one {@code divisor}-th of the heap this JVM may grow to. */
  public static HeapBudget ofMaxHeap(int divisor) {
    return new HeapBudget(Runtime.getRuntime().maxMemory() / divisor);
  }

  /** Waits until {@code bytes} of the budget are free and takes them until the grant closes. */
  public Grant take(long bytes) throws InterruptedIOException {
    int n = (int) Math.min(total, Math.max(1, (bytes + UNIT - 1) / UNIT));
    try {
      mebibytes.acquire(n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for memory");
    }
    return new Grant(n);
  }

  /** A share taken from the budget; closing gives it back (once). */
  public final class Grant implements AutoCloseable {
    private int held;

    private Grant(int held) {
      this.held = held;
    }

    @Override
    public void close() {
      if (held > 0) {
        mebibytes.release(held);
        held = 0;
      }
    }
  }
}
