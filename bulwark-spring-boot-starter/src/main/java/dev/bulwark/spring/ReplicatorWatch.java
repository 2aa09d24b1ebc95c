package dev.bulwark.spring;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Notices a replicator that stopped for good (its lease taken over after an outage longer than
 * the lease, say) without disturbing one that works. Asking a replicator to make what is
 * committed durable reports its failure if it has stopped, but also ships what is pending at
 * once; so the watch asks only when the lag has grown past {@link #threshold()} (at most once
 * per threshold), and when nothing is pending once every {@link #IDLE_PROBE}: a dead replicator
 * shows no lag, as nothing reads the commits that follow. The same rule as the daemon's watch.
 * Not thread-safe: one watcher thread.
 */
final class ReplicatorWatch {
  /** Slack above twice the shipping interval before asking: a slow cycle is no failure. */
  static final Duration SLACK = Duration.ofSeconds(30);
  static final Duration IDLE_PROBE = Duration.ofSeconds(10);
  private static final Duration PROBE_WAIT = Duration.ofSeconds(1);

  private final Replicator replicator;
  private final Duration threshold;
  private long lastProbeNanos = System.nanoTime();

  ReplicatorWatch(Replicator replicator, ReplicationOptions options) {
    this.replicator = replicator;
    this.threshold = options.shippingInterval().multipliedBy(2).plus(SLACK);
  }

  Duration threshold() {
    return threshold;
  }

  /**
   * Returns if the replicator works or may still be working (behind, retrying).
   *
   * @throws IOException or BulwarkException its own failure if it stopped for good
   */
  void check() throws IOException, BulwarkException, InterruptedException {
    long now = System.nanoTime();
    long since = now - lastProbeNanos;
    Duration lag = replicator.lag();
    boolean due = lag.compareTo(threshold) > 0 ? since >= threshold.toNanos()
        : lag.isZero() && since >= IDLE_PROBE.toNanos();
    if (!due) {
      return;
    }
    lastProbeNanos = now;
    try {
      replicator.awaitDurable(PROBE_WAIT);
    } catch (TimeoutException e) {
      // Behind but alive: the lag shows it; the replicator retries on its own.
    }
  }
}
