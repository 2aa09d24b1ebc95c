package dev.bulwark.cli.daemon;

import dev.bulwark.core.stream.StreamPosition;
import java.time.Duration;
import java.time.Instant;

/**
 * One streamed database's replication, as the API, the metrics and the status page show it.
 *
 * @param state what the stream is doing now
 * @param lag how long the oldest committed but unshipped transaction has waited (the live
 *     recovery point); zero when everything committed is shipped, null while not streaming
 * @param pendingBytes committed bytes read but not yet durable in the repository
 * @param lastShipped the newest position durable in the repository (kept while a failed
 *     replication waits to restart), or null if none yet
 * @param since when the current replication started (or the last attempt), or null
 * @param failures replications that failed (to start or while running) since the daemon
 *     started; each is restarted after a backoff
 * @param lastError the last failure, one line, or null
 * @param databaseBytes the database file's size when the status was taken, or -1 if unknown
 */
public record StreamStatus(StreamState state, Duration lag, long pendingBytes,
    StreamPosition lastShipped, Instant since, long failures, String lastError,
    long databaseBytes) {

  /**
   * A restore before the daemon has measured one runs at this rate: a conservative figure for
   * restoring a snapshot from a local disk and checking it (see bench/).
   */
  public static final long ASSUMED_RESTORE_BYTES_PER_SECOND = 100L << 20;

  /**
   * How long restoring the newest shipped state would take. Measured where it can be: the
   * duration of this daemon's last successful verification of the database, which restores the
   * newest snapshot to a scratch place and checks it as a restore does. Before any, the
   * database's size at {@link #ASSUMED_RESTORE_BYTES_PER_SECOND}. The segments replayed after
   * the snapshot are not counted separately: a restore writes only the pages they hold, at most
   * the database's size again, so the estimate is low by at most a factor of two when the
   * stream since the last snapshot is long. Null if neither is known.
   *
   * @param lastVerify how long this daemon's last successful verification of the database
   *     took, or null if none succeeded
   */
  public Duration estimatedRestore(Duration lastVerify) {
    if (lastVerify != null && !lastVerify.isZero()) {
      return lastVerify;
    }
    if (databaseBytes < 0) {
      return null;
    }
    return Duration.ofMillis(databaseBytes * 1000 / ASSUMED_RESTORE_BYTES_PER_SECOND);
  }
}
