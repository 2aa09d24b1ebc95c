package dev.bulwark.cli.daemon;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.stream.Replicator;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Notices a replicator that has stopped for good, without disturbing one that works. A working
 * replicator's lag stays below its sync interval plus one shipping cycle, so the watch asks
 * nothing of it; only when the lag has grown past {@link #threshold} does it ask the replicator
 * to make what is committed durable (which wakes one extra cycle at most once per threshold),
 * and that call reports the failure of a replicator that has stopped. A replicator that is
 * merely slow (a backend retrying) is left to go on. Not thread-safe: one watcher per thread.
 */
public final class ReplicatorWatch {
  /** Slack above twice the sync interval before the watch asks: a slow cycle is no failure. */
  static final Duration SLACK = Duration.ofSeconds(30);
  private static final Duration PROBE_WAIT = Duration.ofSeconds(1);

  private final Replicator replicator;
  private final Duration threshold;
  private long lastProbeNanos;
  private boolean probed;

  /** Watches {@code replicator}, which ships every {@code syncInterval}. */
  public ReplicatorWatch(Replicator replicator, Duration syncInterval) {
    this.replicator = replicator;
    this.threshold = syncInterval.multipliedBy(2).plus(SLACK);
  }

  /** The lag above which the replicator is asked whether it still works. */
  public Duration threshold() {
    return threshold;
  }

  /**
   * Returns if the replicator works, or may still be working (behind, retrying).
   *
   * @throws IOException or BulwarkException the replicator's own failure if it stopped for good
   */
  public void check() throws IOException, BulwarkException, InterruptedException {
    if (replicator.lag().compareTo(threshold) <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (probed && now - lastProbeNanos < threshold.toNanos()) {
      return;
    }
    probed = true;
    lastProbeNanos = now;
    try {
      replicator.awaitDurable(PROBE_WAIT);
    } catch (TimeoutException e) {
      // Behind but alive: the lag metric shows it; the replicator retries on its own.
    }
  }
}
