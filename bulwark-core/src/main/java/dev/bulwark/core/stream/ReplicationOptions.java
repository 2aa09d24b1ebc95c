package dev.bulwark.core.stream;

import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.chunk.FixedChunker;
import dev.bulwark.core.retention.StreamRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a database is replicated.
 *
 * @param syncInterval how often committed transactions are shipped (default 1 s); the most a
 *     crash of the machine can lose
 * @param databaseId the stream's name in the repository, or empty to derive one from the
 *     database's file name and path
 * @param stateDir where the replicator keeps its position between runs, or empty for a hidden
 *     folder beside the database
 * @param maxRequestsPerHour the most uploads per hour, segments and the merged segments
 *     compaction writes for them (0: no limit); under it, segments are shipped less often and
 *     lag grows, which bounds an S3 bill
 * @param snapshotInterval how often a snapshot is built from the stream (zero: never), so that
 *     a restore replays at most this much of it
 * @param retention how long every point of the stream stays restorable; older points only at
 *     snapshot granularity (the replicator removes segments no longer needed every hour)
 * @param localLog whether committed transactions are also kept in a local stream log until
 *     shipped, which {@link Durability#LOCAL} waits for (off: LOCAL waits as SYNC does)
 * @param pageChunkBytes the chunk size of the database's pages in the snapshots the stream
 *     starts generations with and folds ({@link BackupOptions#pageChunkBytes}); backups of the
 *     same database should use the same size, so that they share chunks
 */
public record ReplicationOptions(Duration syncInterval, Optional<String> databaseId,
    Optional<Path> stateDir, int maxRequestsPerHour, Duration snapshotInterval,
    StreamRetention retention, boolean localLog, int pageChunkBytes) {
  /** The default sync interval, one second. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);
  /** The default snapshot interval, one hour. */
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofHours(1);

  /**
   * Checks every setting is in range: a sync interval from 1 ms to 1 h, a valid database id, no
   * negative ceiling or snapshot interval.
   *
   * @param syncInterval how often committed transactions are shipped; 1 ms to 1 h
   * @param databaseId the stream's name, or empty to derive one
   * @param stateDir where the position is kept between runs, or empty for beside the database
   * @param maxRequestsPerHour the most uploads per hour, 0 for no ceiling
   * @param snapshotInterval how often a snapshot is built from the stream; zero for never
   * @param retention how long every point of the stream stays restorable
   * @param localLog whether committed transactions are also kept in a local log
   * @param pageChunkBytes the chunk size of database pages in the stream's snapshots
   * @throws IllegalArgumentException if a value is out of range; the message names it
   */
  public ReplicationOptions {
    if (syncInterval.isNegative() || syncInterval.isZero()
        || syncInterval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("sync interval must be between 1 ms and 1 h: "
          + syncInterval);
    }
    databaseId.ifPresent(SegmentName::requireDatabaseId);
    if (maxRequestsPerHour < 0) {
      throw new IllegalArgumentException("negative request ceiling: " + maxRequestsPerHour);
    }
    if (snapshotInterval.isNegative()) {
      throw new IllegalArgumentException("negative snapshot interval: " + snapshotInterval);
    }
    if (pageChunkBytes < FixedChunker.MIN_CHUNK_BYTES
        || pageChunkBytes > FixedChunker.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunk size must be between "
          + FixedChunker.MIN_CHUNK_BYTES + " and " + FixedChunker.MAX_CHUNK_BYTES
          + " bytes: " + pageChunkBytes);
    }
  }

  /**
   * The defaults: 1 s, a derived id, state beside the database, no request ceiling, a snapshot
   * from the stream every hour, no local stream log, 32 KiB page chunks.
   *
   * @return the default options
   */
  public static ReplicationOptions defaults() {
    return new ReplicationOptions(DEFAULT_SYNC_INTERVAL, Optional.empty(), Optional.empty(), 0,
        DEFAULT_SNAPSHOT_INTERVAL, StreamRetention.KEEP_ALL, false,
        BackupOptions.DEFAULT_PAGE_CHUNK_BYTES);
  }

  /**
   * How often segments are shipped at most: the sync interval, or longer under a request
   * ceiling. Shipping takes half of the ceiling: compaction writes fewer merged segments than
   * it is given (a merge covers at least two segments of the level below, and a bucket one
   * segment covers is not merged), so the two together stay under it.
   *
   * @return the time between shipments, at least the sync interval
   */
  public Duration shippingInterval() {
    if (maxRequestsPerHour == 0) {
      return syncInterval;
    }
    Duration floor = Duration.ofHours(1).dividedBy(Math.max(1, maxRequestsPerHour / 2));
    return floor.compareTo(syncInterval) > 0 ? floor : syncInterval;
  }

  /**
   * These options with another sync interval.
   *
   * @param d the new sync interval: the most a lost machine loses; positive
   * @return new options; these are unchanged
   */
  public ReplicationOptions withSyncInterval(Duration d) {
    return new ReplicationOptions(d, databaseId, stateDir, maxRequestsPerHour,
        snapshotInterval, retention, localLog, pageChunkBytes);
  }

  /**
   * These options with a fixed database id.
   *
   * @param id the stream's name in the repository, to keep it across moves of the database
   * @return new options; these are unchanged
   */
  public ReplicationOptions withDatabaseId(String id) {
    return new ReplicationOptions(syncInterval, Optional.of(id), stateDir, maxRequestsPerHour,
        snapshotInterval, retention, localLog, pageChunkBytes);
  }

  /**
   * These options with the replicator's state kept in {@code dir}.
   *
   * @param dir the folder for the replicator's position and binding
   * @return new options; these are unchanged
   */
  public ReplicationOptions withStateDir(Path dir) {
    return new ReplicationOptions(syncInterval, databaseId, Optional.of(dir), maxRequestsPerHour,
        snapshotInterval, retention, localLog, pageChunkBytes);
  }

  /**
   * These options with a ceiling on segment uploads per hour.
   *
   * @param n the most uploads per hour, to bound an object store's request costs; 0 for none
   * @return new options; these are unchanged
   */
  public ReplicationOptions withMaxRequestsPerHour(int n) {
    return new ReplicationOptions(syncInterval, databaseId, stateDir, n, snapshotInterval,
        retention, localLog, pageChunkBytes);
  }

  /**
   * These options with another snapshot interval (zero: no snapshots from the stream).
   *
   * @param d the snapshot interval, or zero
   * @return new options; these are unchanged
   */
  public ReplicationOptions withSnapshotInterval(Duration d) {
    return new ReplicationOptions(syncInterval, databaseId, stateDir, maxRequestsPerHour, d,
        retention, localLog, pageChunkBytes);
  }

  /**
   * These options with a stream retention window the replicator applies itself.
   *
   * @param r how long every point stays restorable
   * @return new options; these are unchanged
   */
  public ReplicationOptions withRetention(StreamRetention r) {
    return new ReplicationOptions(syncInterval, databaseId, stateDir, maxRequestsPerHour,
        snapshotInterval, r, localLog, pageChunkBytes);
  }

  /**
   * These options with or without a local stream log (off by default: it writes every
   * committed page once more, locally).
   *
   * @param on true to keep the local log
   * @return new options; these are unchanged
   */
  public ReplicationOptions withLocalLog(boolean on) {
    return new ReplicationOptions(syncInterval, databaseId, stateDir, maxRequestsPerHour,
        snapshotInterval, retention, on, pageChunkBytes);
  }

  /**
   * These options with {@code n}-byte chunks for the database's pages in the stream's
   * snapshots (rounded down to the page size, as {@link BackupOptions#chunkBytesFor} does).
   *
   * @param n the chunk size in bytes, as the database's backups use
   * @return new options; these are unchanged
   */
  public ReplicationOptions withPageChunkBytes(int n) {
    return new ReplicationOptions(syncInterval, databaseId, stateDir, maxRequestsPerHour,
        snapshotInterval, retention, localLog, n);
  }
}
