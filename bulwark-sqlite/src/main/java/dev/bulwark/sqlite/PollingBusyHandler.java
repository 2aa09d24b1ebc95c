package dev.bulwark.sqlite;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.sqlite.BusyHandler;

/**
 * Retries a busy lock every millisecond until a deadline.
 *
 * <p>SQLite's own busy timeout backs off to 100 ms between tries. In rollback-journal mode a
 * reader is only shut out while some writer commits, but with several writers committing back
 * to back those moments chain up, and a reader that looks ten times a second kept missing the
 * gaps between them for more than 10 s (measured: four writer threads; backups took 3–8 s and
 * then failed). Looking every millisecond finds a gap within milliseconds.
 */
final class PollingBusyHandler extends BusyHandler {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private final long patienceNanos;
  private final long pollNanos;
  private long firstBusy;

  PollingBusyHandler(Duration patience) {
    this(patience, POLL_NANOS);
  }

  /**
   * A handler that retries every {@code pollNanos}, or at once when that is 0. Taking the write
   * lock away from a writer that commits back to back needs the latter: it takes the lock
   * again within microseconds of releasing it, and a millisecond poll never finds it free.
   */
  static PollingBusyHandler spinning(Duration patience) {
    return new PollingBusyHandler(patience, 0);
  }

  private PollingBusyHandler(Duration patience, long pollNanos) {
    this.patienceNanos = patience.toNanos();
    this.pollNanos = pollNanos;
  }

  @Override
  protected int callback(int previousCalls) {
    long now = System.nanoTime();
    if (previousCalls == 0) {
      firstBusy = now;
    }
    if (now - firstBusy >= patienceNanos) {
      return 0;
    }
    if (pollNanos == 0) {
      Thread.onSpinWait();
      return 1;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(pollNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
    return 1;
  }
}
