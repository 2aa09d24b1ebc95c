package dev.bulwark.core.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Statements on a real SQLite file, for tests of the modules that have the SQLite driver on
 * their class path (bulwark-sqlite, bulwark-cli). Core itself never loads it.
 */
public final class Sqlite {
  private Sqlite() {}

  /** Runs {@code statements} in order on one connection to {@code db} (created if missing). */
  public static void sql(Path db, String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (String st : statements) {
        s.execute(st);
      }
    }
  }

  /** The number of rows in {@code table}. */
  public static long rows(Path db, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from " + table)) {
      return rs.getLong(1);
    }
  }
}
