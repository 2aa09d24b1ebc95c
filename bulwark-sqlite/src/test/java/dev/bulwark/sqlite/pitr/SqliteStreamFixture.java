package dev.bulwark.sqlite.pitr;

import static dev.bulwark.core.testing.Sqlite.sql;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.pitr.HandMadeStream;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.TestRepositories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real SQLite database in WAL mode (each change on its own connection, so the WAL is
 * checkpointed away when it closes) and a hand-made stream of six segments of real SQL:
 * inserts, updates, deletes, a new table, a VACUUM that shrinks the file.
 */
final class SqliteStreamFixture {
  static final int PAGE = 4096;
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  final Repository repo;
  final Path db;
  final HandMadeStream stream;

  SqliteStreamFixture(Path dir) throws Exception {
    repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")));
    db = dir.resolve("app.db");
    sql(db, "pragma journal_mode=wal", "create table t(seq integer primary key, v text)",
        insert(1, 200));
    stream = HandMadeStream.start(repo, db, dir.resolve("states"), "app-db", 42, PAGE, T0);
    sql(db, insert(201, 400));
    stream.ship(1, at(10), at(10));
    sql(db, "update t set v = upper(v) where seq % 7 = 0", insert(401, 450));
    stream.ship(3, at(20), at(22));
    sql(db, "delete from t where seq between 50 and 350");
    stream.ship(1, at(30), at(30));
    sql(db, "create table u(k text primary key, n integer)",
        "insert into u select v, seq from t where seq > 400");
    stream.ship(2, at(40), at(41));
    sql(db, "vacuum");
    stream.ship(1, at(50), at(50));
    sql(db, insert(451, 470), "update u set n = n + 1");
    stream.ship(1, at(60), at(60));
  }

  /** Seconds after {@link #T0}. */
  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static String insert(int from, int to) {
    return "insert into t(seq, v) with recursive s(x) as (select " + from
        + " union all select x + 1 from s where x < " + to + ")"
        + " select x, printf('row %d %s', x, hex(randomblob(150))) from s";
  }

  /** Every table's rows, in order: the database's logical content. */
  static List<String> content(Path db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "select name, sql from sqlite_master where type = 'table' order by name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
          out.add(rs.getString(2));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = s.executeQuery("select * from " + t + " order by 1")) {
          int cols = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder(t);
            for (int i = 1; i <= cols; i++) {
              row.append('|').append(rs.getString(i));
            }
            out.add(row.toString());
          }
        }
      }
    }
    return out;
  }

  /** What {@code PRAGMA integrity_check} says. */
  static String integrity(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("pragma integrity_check")) {
      return rs.getString(1);
    }
  }
}
