package dev.bulwark.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a snapshot records about the database it holds, read inside the read transaction that
 * the copy is made in, so every value describes exactly the copied state.
 *
 * @param pageSize bytes per page; chunks are aligned to it
 * @param pageCount pages in the database
 * @param schemaVersion the schema cookie, bumped by every schema change
 * @param userVersion the application's own version number ({@code PRAGMA user_version})
 * @param journalMode {@code wal}, {@code delete}, {@code truncate}, {@code persist}...
 * @param sqliteVersion the SQLite library that made the copy
 */
record DatabaseFacts(int pageSize, long pageCount, long schemaVersion, long userVersion,
    String journalMode, String sqliteVersion) {

  /** Bytes the database holds. */
  long sizeBytes() {
    return pageSize * pageCount;
  }

  /**
   * Pins a read transaction on {@code c} (which must not be in auto-commit mode) and reads the
   * facts in it. The transaction stays open until the caller ends it.
   */
  static DatabaseFacts pinAndRead(Connection c) throws SQLException {
    // The first read of a transaction takes SQLite's read lock (a WAL snapshot in WAL mode, a
    // SHARED lock otherwise); reading the schema also rejects files that are not databases.
    SqliteConnections.queryLong(c, "SELECT count(*) FROM sqlite_schema");
    return new DatabaseFacts(
        (int) SqliteConnections.queryLong(c, "PRAGMA page_size"),
        SqliteConnections.queryLong(c, "PRAGMA page_count"),
        SqliteConnections.queryLong(c, "PRAGMA schema_version"),
        SqliteConnections.queryLong(c, "PRAGMA user_version"),
        SqliteConnections.queryText(c, "PRAGMA journal_mode").toLowerCase(Locale.ROOT),
        SqliteConnections.queryText(c, "SELECT sqlite_version()"));
  }

  /** The snapshot tag properties, in a stable order. */
  Map<String, String> properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("page-size", Integer.toString(pageSize));
    p.put("page-count", Long.toString(pageCount));
    p.put("schema-version", Long.toString(schemaVersion));
    p.put("user-version", Long.toString(userVersion));
    p.put("journal-mode", journalMode);
    p.put("sqlite-version", sqliteVersion);
    return p;
  }
}
