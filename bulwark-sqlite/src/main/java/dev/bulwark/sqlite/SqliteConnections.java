package dev.bulwark.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens JDBC connections to database files the way Bulwark needs them: never creating a file
 * that is missing, and with file names passed as URIs so that no character in a path is taken
 * for a connection option.
 *
 * <p>Every read of a live database goes through SQLite. Opening the file ourselves would be a
 * bug: closing any descriptor of a file drops every POSIX lock this process holds on it,
 * SQLite's included, so another process could then commit under a reader (measured; see
 * {@link SqliteSource}).
 */
final class SqliteConnections {
  private SqliteConnections() {}

  /** A read-write connection to an existing database; fails rather than create one. */
  static Connection openExisting(Path db, int busyTimeoutMillis) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.resetOpenMode(SQLiteOpenMode.CREATE);
    config.setOpenMode(SQLiteOpenMode.OPEN_URI);
    config.setBusyTimeout(busyTimeoutMillis);
    return config.createConnection("jdbc:sqlite:" + uri(db, "mode=rw"));
  }

  /**
   * A read-only connection to an existing live database. Unlike a read-write one, closing it
   * never checkpoints: when the last read-write connection to a WAL database closes, SQLite
   * copies the WAL into the database and deletes it, and a replicator's own connection doing
   * so would cut the log it reads at a moment nothing proves it had read up to.
   */
  static Connection openReadOnly(Path db) throws SQLException {
    return readOnly().createConnection("jdbc:sqlite:" + uri(db, "mode=ro"));
  }

  /**
   * A read-only connection that has read once, so that it holds its shared lock on a WAL
   * database until closed. While it is open, no other connection of any process closing last
   * can checkpoint and delete the WAL (SQLite does that only when it gets the database's
   * exclusive lock), and closing it never does. Close it after the read-write connections it
   * guards.
   */
  static Connection openWalKeeper(Path db) throws SQLException {
    Connection c = openReadOnly(db);
    try {
      queryLong(c, "SELECT count(*) FROM sqlite_schema");
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * A connection that will read one consistent state of a live database: queries only, not in
   * auto-commit mode (its first read begins the read transaction, which lasts until it is
   * closed), retrying a busy lock every millisecond for {@code patience}.
   */
  static Connection openReader(Path db, Duration patience) throws SQLException {
    Connection c = openExisting(db, 0);
    try {
      BusyHandler.setHandler(c, new PollingBusyHandler(patience));
      execute(c, "PRAGMA query_only=1");
      c.setAutoCommit(false);
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * A read-only connection to a file nobody else uses (a staged restore): no locks, and no
   * -wal or -shm file is created beside it.
   */
  static Connection openImmutable(Path db) throws SQLException {
    return readOnly().createConnection("jdbc:sqlite:" + uri(db, "mode=ro&immutable=1"));
  }

  /** Read-only, never creating a file, the name given as a URI. */
  private static SQLiteConfig readOnly() {
    SQLiteConfig config = new SQLiteConfig();
    config.resetOpenMode(SQLiteOpenMode.CREATE);
    config.resetOpenMode(SQLiteOpenMode.READWRITE);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    config.setOpenMode(SQLiteOpenMode.OPEN_URI);
    return config;
  }

  /** Runs a statement that returns nothing we need. */
  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first column of the first row of {@code sql}, as text (null if no row). */
  static String queryText(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The first column of the first row of {@code sql}, as a number. */
  static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no result from " + sql);
      }
      return rs.getLong(1);
    }
  }

  /** An SQLite URI filename (https://sqlite.org/uri.html) for {@code p} with a query. */
  static String uri(Path p, String query) {
    StringBuilder sb = new StringBuilder("file:");
    for (byte b : p.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "/-._~".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.append('?').append(query).toString();
  }
}
