package dev.bulwark.cli.config;

import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.ReplicationOptions;
import java.time.Duration;

/**
 * How a streamed database is streamed ({@code stream:} of a database in {@code bulwark.yml}):
 * every committed transaction is shipped within {@code syncInterval}, and every second stays
 * restorable for {@code retention}.
 *
 * @param syncInterval how often committed transactions are shipped; the most a crash of the
 *     machine can lose
 * @param retention how long every second stays restorable; older points are kept at snapshot
 *     granularity. Null: the segments are kept until something else removes them
 * @param maxRequestsPerHour the most segment uploads an hour (0: no ceiling); above it segments
 *     are shipped less often, which bounds an S3 bill at the price of a longer lag
 * @param snapshotInterval how often a snapshot is built from the stream (no read of the
 *     database), so a restore replays at most that much; default 1 h
 */
public record StreamConfig(Duration syncInterval, Duration retention, int maxRequestsPerHour,
    Duration snapshotInterval) {
  /** The longest sync interval a replicator accepts. */
  public static final Duration MAX_SYNC_INTERVAL = Duration.ofHours(1);

  public StreamConfig {
    if (syncInterval == null) {
      syncInterval = ReplicationOptions.DEFAULT_SYNC_INTERVAL;
    }
    if (maxRequestsPerHour < 0) {
      throw new IllegalArgumentException("negative request ceiling: " + maxRequestsPerHour);
    }
    if (snapshotInterval == null) {
      snapshotInterval = ReplicationOptions.DEFAULT_SNAPSHOT_INTERVAL;
    }
  }

  /** Settings with the default snapshot interval. */
  public StreamConfig(Duration syncInterval, Duration retention, int maxRequestsPerHour) {
    this(syncInterval, retention, maxRequestsPerHour, null);
  }

  /** Settings with no request ceiling. */
  public StreamConfig(Duration syncInterval, Duration retention) {
    this(syncInterval, retention, 0);
  }

  /**
   * The stream retention these settings ask for ({@link StreamRetention#KEEP_ALL} when none is
   * set): the replicator applies it to its own stream every hour, as {@code bulwark prune
   * --stream-retention} would.
   */
  public StreamRetention streamRetention() {
    return retention == null ? StreamRetention.KEEP_ALL : StreamRetention.within(retention);
  }

  /** The replication options these settings ask for (the database id and state are derived). */
  public ReplicationOptions replicationOptions() {
    return ReplicationOptions.defaults().withSyncInterval(syncInterval)
        .withMaxRequestsPerHour(maxRequestsPerHour).withSnapshotInterval(snapshotInterval)
        .withRetention(streamRetention());
  }
}
