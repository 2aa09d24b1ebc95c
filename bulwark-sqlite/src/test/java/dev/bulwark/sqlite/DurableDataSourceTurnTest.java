package dev.bulwark.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Writers through one {@link DurableDataSource} take turns in auto-commit mode: they never meet
 * SQLite's write lock held by one another, and a turn that does not come in time is not waited
 * for past the data source's timeout.
 */
class DurableDataSourceTurnTest {
  @TempDir Path tmp;
  private Path db;

  @BeforeEach
  void database() throws SQLException {
    db = tmp.resolve("app.db");
    try (Connection c = plain().getConnection(); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(v)");
    }
  }

  private SQLiteDataSource plain() {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + db);
    return ds;
  }

  private Replicator replicator(TestRepo repo) throws Exception {
    return SqliteSource.of(db).replicate(repo.repo, ReplicationOptions.defaults()
        .withSnapshotInterval(Duration.ZERO).withStateDir(tmp.resolve("state"))
        .withDatabaseId("app"));
  }

  private static void insert(Connection c, int v) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
      p.setInt(1, v);
      p.executeUpdate();
    }
  }

  private long rows() throws SQLException {
    try (Connection c = plain().getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM t")) {
      return r.getLong(1);
    }
  }

  @Test
  void concurrentWritersNeverFindTheDatabaseLockedByOneAnother() throws Exception {
    int writers = 8;
    int each = 150;
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Replicator r = replicator(repo)) {
      DurableDataSource ds = new DurableDataSource(plain(), r, Durability.ASYNC,
          Duration.ofSeconds(30));
      AtomicInteger busy = new AtomicInteger();
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int me = w;
        all.add(CompletableFuture.runAsync(() -> {
          try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // Fail at once on a locked database: any meeting would show.
            s.execute("PRAGMA busy_timeout=0");
            for (int i = 0; i < each; i++) {
              try {
                insert(c, me * each + i);
              } catch (SQLException e) {
                busy.incrementAndGet();
              }
            }
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      assertEquals(0, busy.get(), "writes that found the database locked");
      assertEquals(writers * each, rows());
    }
  }

  @Test
  void aTurnThatDoesNotComeInTimeIsNotWaitedForLonger() throws Exception {
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Replicator r = replicator(repo);
        Connection other = plain().getConnection(); Statement o = other.createStatement()) {
      DurableDataSource ds = new DurableDataSource(plain(), r, Durability.ASYNC,
          Duration.ofMillis(300));
      // Another process's write transaction holds SQLite's lock for the whole test.
      o.execute("BEGIN IMMEDIATE");
      try (Connection first = ds.getConnection(); Statement f = first.createStatement();
          Connection second = ds.getConnection(); Statement s = second.createStatement()) {
        f.execute("PRAGMA busy_timeout=20000");
        s.execute("PRAGMA busy_timeout=100");
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
          try {
            insert(first, 1);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
        Thread.sleep(200); // the first writer now holds the turn, waiting on SQLite
        long t0 = System.nanoTime();
        String failure = "";
        try {
          insert(second, 2);
        } catch (SQLException e) {
          failure = e.getMessage();
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        // It waited for its turn (300 ms), then met the lock on its own (100 ms), while the
        // first writer still waits: not behind it.
        assertTrue(failure.contains("SQLITE_BUSY"), "the second write failed busy: " + failure);
        assertTrue(took >= 300 && took < 10_000, "gave up after " + took + " ms");
        assertFalse(waiting.isDone(), "the first writer is still waiting");
        o.execute("ROLLBACK");
        waiting.get(30, TimeUnit.SECONDS);
      }
      assertEquals(1, rows());
    }
  }
}
