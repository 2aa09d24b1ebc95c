package dev.bulwark.sqlite;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.DatabaseInUseException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Takes SQLite's EXCLUSIVE lock on a database file without waiting: the test for "is anybody
 * using this database". In WAL mode every open connection holds a SHARED lock on the file for
 * as long as it is open, so even an idle connection is seen; in rollback-journal mode only a
 * connection inside a transaction holds a lock, so an idle one cannot be seen by anybody.
 */
final class ExclusiveAccess {
  private ExclusiveAccess() {}

  /** What taking the lock found. */
  enum Outcome {
    /** Nobody else had the database open (WAL) or inside a transaction. */
    FREE,
    /** The file is not a readable SQLite database, so no SQLite connection can be using it. */
    NOT_A_DATABASE
  }

  /**
   * Opens {@code path} (which may be a link to the database), takes the EXCLUSIVE lock and keeps
   * it until {@code c} is closed ({@code locking_mode=EXCLUSIVE}).
   *
   * @throws BulwarkException if another connection holds a lock on {@code database}
   */
  static Outcome lock(Connection c, Path database) throws SQLException, BulwarkException {
    try {
      SqliteConnections.execute(c, "PRAGMA locking_mode=EXCLUSIVE");
      // In WAL mode the exclusive locking mode takes the file's EXCLUSIVE lock when the WAL is
      // opened, so BEGIN EXCLUSIVE fails at once (busy timeout 0) if any connection is open.
      SqliteConnections.execute(c, "BEGIN EXCLUSIVE");
      SqliteConnections.execute(c, "COMMIT");
      return Outcome.FREE;
    } catch (SQLException e) {
      switch (SqliteFailure.of(e)) {
        case LOCKED -> throw inUse(database, e);
        case NOT_A_DATABASE, DAMAGED -> {
          return Outcome.NOT_A_DATABASE;
        }
        default -> throw e;
      }
    }
  }

  /** The error a restore gives when the target database is open elsewhere. */
  static DatabaseInUseException inUse(Path database, @Nullable Throwable cause) {
    return new DatabaseInUseException("database " + database + " is in use by another process; stop it"
        + " before restoring", cause);
  }

  /** Opens a connection for {@link #lock}: never creating a file, never waiting for a lock. */
  static Connection open(Path path) throws SQLException {
    return SqliteConnections.openExisting(path, 0);
  }
}
