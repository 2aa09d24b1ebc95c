package dev.bulwark.core.stream;

import dev.bulwark.core.BulwarkException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Notices a replicator that has stopped for good, without disturbing one that works. Asking a
 * replicator to make what is committed durable reports its failure if it has stopped, but also
 * ships what is pending at once, an upload the sync interval would have saved. So the watch
 * asks when the lag (the age of the oldest unshipped commit) has grown past {@link #threshold},
 * at most once per threshold, and when nothing is pending (lag zero, so asking uploads
 * nothing) once every {@link #IDLE_PROBE}: a replicator that died shows no lag, since nothing
 * reads the commits that follow. A replicator that is merely slow (a backend retrying) is left
 * to go on. Not thread-safe: one watcher per thread.
 */
public final class ReplicatorWatch {
  /** Slack above twice the sync interval before the watch asks: a slow cycle is no failure. */
  static final Duration SLACK = Duration.ofSeconds(30);
  /** With nothing pending, the replicator is asked this often. */
  static final Duration IDLE_PROBE = Duration.ofSeconds(10);
  private static final Duration PROBE_WAIT = Duration.ofSeconds(1);

  private final Replicator replicator;
  private final Duration threshold;
  /** When the replicator was last asked, or the watch began. */
  private long lastProbeNanos = System.nanoTime();

  /**
   * Watches {@code replicator}, started with {@code options}: it ships every sync interval, or
   * less often under a request ceiling.
   */
  public ReplicatorWatch(Replicator replicator, ReplicationOptions options) {
    this.replicator = replicator;
    this.threshold = options.shippingInterval().multipliedBy(2).plus(SLACK);
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
      // Behind but alive: the lag metric shows it; the replicator retries on its own.
    }
  }
}
