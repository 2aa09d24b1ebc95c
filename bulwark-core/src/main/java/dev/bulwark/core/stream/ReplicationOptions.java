package dev.bulwark.core.stream;

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
 * @param maxRequestsPerHour the most segment uploads per hour (0: no limit); above it, segments
 *     are shipped less often and lag grows, which bounds an S3 bill
 */
public record ReplicationOptions(Duration syncInterval, Optional<String> databaseId,
    Optional<Path> stateDir, int maxRequestsPerHour) {
  /** The default sync interval, one second. */
  public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);

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
  }

  /** The defaults: 1 s, a derived id, state beside the database, no request ceiling. */
  public static ReplicationOptions defaults() {
    return new ReplicationOptions(DEFAULT_SYNC_INTERVAL, Optional.empty(), Optional.empty(), 0);
  }

  /** These options with another sync interval. */
  public ReplicationOptions withSyncInterval(Duration d) {
    return new ReplicationOptions(d, databaseId, stateDir, maxRequestsPerHour);
  }

  /** These options with a fixed database id. */
  public ReplicationOptions withDatabaseId(String id) {
    return new ReplicationOptions(syncInterval, Optional.of(id), stateDir, maxRequestsPerHour);
  }

  /** These options with the replicator's state kept in {@code dir}. */
  public ReplicationOptions withStateDir(Path dir) {
    return new ReplicationOptions(syncInterval, databaseId, Optional.of(dir),
        maxRequestsPerHour);
  }

  /** These options with a ceiling on segment uploads per hour. */
  public ReplicationOptions withMaxRequestsPerHour(int n) {
    return new ReplicationOptions(syncInterval, databaseId, stateDir, n);
  }
}
