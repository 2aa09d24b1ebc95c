package dev.bulwark.junit;

import dev.bulwark.core.stream.StreamPosition;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a restore drill restored, for the test to check or report (e.g. that the newest backup
 * is recent enough).
 *
 * @param path the restored copy in the drill's temporary folder: a file for SQLite, a folder
 *     for RocksDB; deleted after the test (or the class)
 * @param database the database's path as it was backed up
 * @param kind the kind of database, {@code sqlite} or {@code rocksdb}
 * @param snapshotId the id of the snapshot restored
 * @param snapshotTime when that snapshot was taken
 * @param host the host that wrote the snapshot
 * @param time the time of the state restored: the snapshot's, or the last replayed commit's
 * @param position the stream position reached, or null for a database restored from a snapshot
 *     alone (one that was not streamed)
 * @param replayedSegments how many stream segments were replayed onto the snapshot
 */
public record RestoredDatabase(Path path, Path database, String kind, String snapshotId,
    Instant snapshotTime, String host, Instant time, @Nullable StreamPosition position,
    int replayedSegments) {

  /**
   * The stream position reached.
   *
   * @return the position, empty for a database that was not streamed
   */
  public Optional<StreamPosition> reached() {
    return Optional.ofNullable(position);
  }
}
