package dev.bulwark.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicator tests' database: {@code t(seq INTEGER PRIMARY KEY, v BLOB)} in WAL mode, rows
 * of random sizes (so that transactions write one page or several), compared row for row.
 */
final class SeqTable {
  private SeqTable() {}

  /** Creates {@code db} in WAL mode with the empty table. */
  static Path create(Path db) throws SQLException {
    try (Connection c = open(db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
    }
    return db;
  }

  /** A connection as a service would hold it: waits on locks, NORMAL sync. */
  static Connection open(Path db) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout=5000");
      s.execute("PRAGMA synchronous=NORMAL");
    }
    return c;
  }

  /** Inserts rows {@code from} (inclusive) to {@code to}, one transaction each. */
  static void insert(Connection c, int from, int to) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO t(seq, v) VALUES (?, randomblob(300 + abs(random() % 3000)))")) {
      for (int i = from; i < to; i++) {
        p.setInt(1, i);
        p.executeUpdate();
      }
    }
  }

  /** Every row, in order, as text. */
  static List<String> content(Path db) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq, hex(v) FROM t ORDER BY seq")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + ":" + rs.getString(2));
      }
    }
    return rows;
  }
}
