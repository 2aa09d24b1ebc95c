package dev.bulwark.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The read transaction a replicator holds on the database so that SQLite cannot restart the
 * WAL over frames it has not read yet (docs/design.md, "Continuous capture"). It moves forward
 * by overlap: a new transaction is begun before the old one ends, so there is never a moment
 * without one. Not thread-safe.
 */
final class ReaderPin implements AutoCloseable {
  private final Path db;
  private @Nullable Connection current;
  /**
   * An idle connection kept open while the replicator runs. When the service closes its last
   * connection SQLite checkpoints and deletes the WAL unless another connection is open; that
   * would cut the log at a moment nothing proves was read up to, even while no read
   * transaction is held. Read-only, so that closing it last (the replicator stops while the
   * service is down) leaves the WAL as it is, and a restart can read on from where it stood.
   */
  private @Nullable Connection keeper;

  ReaderPin(Path db) {
    this.db = db;
  }

  /** Begins a new read transaction, then ends the previous one. */
  void advance() throws SQLException {
    if (keeper == null) {
      keeper = SqliteConnections.openWalKeeper(db);
    }
    Connection next = SqliteConnections.openReader(db, SnapshotCopy.LOCK_PATIENCE);
    try {
      // The first read takes the snapshot: a WAL read mark SQLite honours until rollback.
      SqliteConnections.queryLong(next, "SELECT count(*) FROM sqlite_schema");
    } catch (SQLException | RuntimeException e) {
      next.close();
      throw e;
    }
    Connection old = current;
    current = next;
    if (old != null) {
      old.close();
    }
  }

  /** True while a read transaction is held. */
  boolean held() {
    return current != null;
  }

  /** The connection whose read transaction is held. */
  Connection connection() {
    if (current == null) {
      throw new IllegalStateException("no read transaction is held");
    }
    return current;
  }

  /** Ends the read transaction; SQLite may then restart the WAL. */
  void release() throws SQLException {
    Connection old = current;
    current = null;
    if (old != null) {
      old.close();
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      release();
    } finally {
      Connection k = keeper;
      keeper = null;
      if (k != null) {
        k.close();
      }
    }
  }
}
