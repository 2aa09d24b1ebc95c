package dev.bulwark.cli.streaming;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** A real SQLite database in WAL mode with one table, {@code t(x)}, for streaming tests. */
public final class StreamedDatabase {
  private StreamedDatabase() {}

  /** Creates {@code db} in WAL mode with table {@code t} and 100 rows. */
  public static void create(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("pragma journal_mode=wal");
      s.execute("create table t(id integer primary key, x blob)");
    }
    insert(db, 100);
  }

  /** Commits {@code rows} rows, one transaction each. */
  public static void insert(Path db, int rows) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (int i = 0; i < rows; i++) {
        s.execute("insert into t(x) values (randomblob(200))");
      }
    }
  }

  /** The number of rows of {@code t}. */
  public static long rows(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        var rs = s.executeQuery("select count(*) from t")) {
      return rs.getLong(1);
    }
  }
}
