package dev.bulwark.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.core.FileType;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.fs.AtomicFiles;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.testing.FaultyBackend;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.sqlite.stream.LocalStreamLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Durability per call against a real database and repository: SYNC returns with the commit in
 * the repository however long the sync interval or request ceiling, concurrent SYNC callers
 * share uploads, LOCAL returns with the commit in the local log and nothing shipped, and a
 * repository that fails makes SYNC fail with the cause instead of returning.
 */
class DurabilityTest {
  /** Long enough that only a waiter can make anything ship during a test. */
  private static final Duration HOUR = Duration.ofHours(1);
  @TempDir Path tmp;

  private Path walDatabase() throws SQLException {
    Path db = tmp.resolve("app.db");
    try (Connection c = plain(db).getConnection(); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
    }
    return db;
  }

  private static SQLiteDataSource plain(Path db) {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + db);
    return ds;
  }

  private ReplicationOptions options() {
    return ReplicationOptions.defaults().withSyncInterval(HOUR).withSnapshotInterval(
        Duration.ZERO).withStateDir(tmp.resolve("state")).withDatabaseId("app");
  }

  private static void insert(Connection c, int seq) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO t(seq, v) VALUES (?, randomblob(500))")) {
      p.setInt(1, seq);
      p.executeUpdate();
    }
  }

  @Test
  void syncReturnsWithTheCommitInTheRepositoryDespiteTheRequestCeiling() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      // One request an hour: pacing alone would ship the next segment in two hours.
      Replicator r = SqliteSource.of(db).replicate(repo.repo, options()
          .withMaxRequestsPerHour(1));
      DurableDataSource ds = new DurableDataSource(plain(db), r, Durability.SYNC,
          Duration.ofSeconds(10));
      try (Connection c = ds.getConnection()) {
        for (int i = 1; i <= 3; i++) {
          long t0 = System.nanoTime();
          insert(c, i);
          assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "SYNC waited for the pacing");
          assertEquals(i, r.lastShippedPosition().orElseThrow().txid(),
              "insert " + i + " returned before it was shipped");
        }
        c.setAutoCommit(false);
        insert(c, 4);
        insert(c, 5);
        assertEquals(3, r.lastShippedPosition().orElseThrow().txid(),
            "a statement inside a transaction does not wait");
        c.commit();
        assertEquals(4, r.lastShippedPosition().orElseThrow().txid(), "commit() waits");
      }
      r.close();
    }
  }

  @Test
  @Slow
  void continuousSyncCommitsStillLetTheWalRestart() throws Exception {
    Path db = walDatabase();
    long bound = 4L * 1000 * (4096 + 24); // four autocheckpoints of 4 KiB pages, as for ASYNC
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      Replicator r = SqliteSource.of(db).replicate(repo.repo, options());
      DurableDataSource ds = new DurableDataSource(plain(db), r, Durability.SYNC,
          Duration.ofSeconds(20));
      AtomicLong largest = new AtomicLong();
      AtomicInteger seq = new AtomicInteger();
      // Until the commits have written several times the bound, or a generous deadline passes.
      long enough = 3 * bound / 10_000;
      long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        writers.add(CompletableFuture.runAsync(() -> {
          try (Connection c = ds.getConnection();
              PreparedStatement p = c.prepareStatement(
                  "INSERT INTO t(seq, v) VALUES (?, randomblob(10000))")) {
            while (seq.get() < enough && System.nanoTime() < until) {
              p.setInt(1, seq.incrementAndGet());
              p.executeUpdate(); // waits until shipped
            }
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      while (!writers.stream().allMatch(CompletableFuture::isDone)) {
        Path wal = tmp.resolve("app.db-wal");
        if (Files.exists(wal)) {
          largest.accumulateAndGet(Files.size(wal), Math::max);
        }
        Thread.sleep(5);
      }
      CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
      r.close();
      // Every commit waited for its upload, so the replicator was forced to ship at every
      // cycle; it must still let SQLite restart the log now and then.
      assertTrue(largest.get() <= bound, "the WAL grew to " + largest.get() + " bytes");
      assertTrue(seq.get() >= enough, "enough written to tell: " + seq.get());
    }
  }

  @Test
  void concurrentSyncCallersShareUploads() throws Exception {
    Path db = walDatabase();
    FaultyBackend backend = new FaultyBackend(LocalBackend.open(tmp.resolve("repo")));
    try (Repository repo = Repository.init(backend, TestRepo.password(),
        new Kdf.Params(1024, 8, 1))) {
      Replicator r = SqliteSource.of(db).replicate(repo, options());
      // An upload (an fsynced file) takes longer than a commit: callers arriving meanwhile
      // wait for the next one together.
      int threads = 8;
      int each = 25;
      DurableDataSource ds = new DurableDataSource(plain(db), r, Durability.SYNC,
          Duration.ofSeconds(30));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int base = t * each;
        done.add(pool.submit(() -> {
          try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            for (int i = 0; i < each; i++) {
              insert(c, base + i);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      int commits = threads * each;
      int uploads = backend.calls(FaultyBackend.Op.SAVE, FileType.STREAM);
      assertEquals(commits, r.lastShippedPosition().orElseThrow().txid());
      System.out.println(uploads + " uploads for " + commits + " SYNC commits");
      assertTrue(uploads <= commits * 3 / 4, uploads + " segment uploads for " + commits
          + " SYNC commits: callers did not share uploads");
      r.close();
    }
  }

  @Test
  void localReturnsWithTheCommitInTheLocalLogAndShipsLater() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      Replicator r = SqliteSource.of(db).replicate(repo.repo, options().withLocalLog(true));
      Path log = tmp.resolve("state").resolve("app.log");
      assertEquals(AtomicFiles.FILE_PERMISSIONS, Files.getPosixFilePermissions(log));
      DurableDataSource ds = new DurableDataSource(plain(db), r, Durability.LOCAL,
          Duration.ofSeconds(10));
      try (Connection c = ds.getConnection()) {
        for (int i = 1; i <= 5; i++) {
          insert(c, i);
        }
      }
      assertEquals(0, r.lastShippedPosition().orElseThrow().txid(), "nothing shipped yet");
      Files.copy(log, tmp.resolve("read.log"));
      try (LocalStreamLog l = LocalStreamLog.open(tmp.resolve("read.log"))) {
        assertEquals(5, l.recovered().size());
        assertEquals(5, l.lastTxid());
      }
      r.awaitDurable(Durability.SYNC, Duration.ofSeconds(10));
      assertEquals(5, r.lastShippedPosition().orElseThrow().txid());
      // SYNC returns once the segment is stored; the replicator records it (and empties the
      // log) right after, before its cycle ends: closing waits for that.
      r.close();
      Files.copy(log, tmp.resolve("after.log"));
      try (LocalStreamLog l = LocalStreamLog.open(tmp.resolve("after.log"))) {
        assertEquals(List.of(), l.recovered(), "the log is emptied once all of it is shipped");
      }
    }
  }

  @Test
  void syncFailsWithTheCauseWhenTheRepositoryFails() throws Exception {
    Path db = walDatabase();
    FaultyBackend backend = new FaultyBackend(LocalBackend.open(tmp.resolve("repo")));
    try (Repository repo = Repository.init(backend, TestRepo.password(),
        new Kdf.Params(1024, 8, 1))) {
      Replicator r = SqliteSource.of(db).replicate(repo, options());
      backend.on(FaultyBackend.Op.SAVE).type(FileType.STREAM)
          .always().fail();
      DurableDataSource ds = new DurableDataSource(plain(db), r, Durability.SYNC,
          Duration.ofMillis(1500));
      try (Connection c = ds.getConnection()) {
        long t0 = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, () -> insert(c, 1));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 1400 && ms < 5000, "failed after " + ms + " ms");
        assertTrue(e.getMessage().contains("committed in the database, but not durable (SYNC)")
            && e.getMessage().contains("shipping fails"), e.getMessage());
        backend.clearFaults();
        insert(c, 2);
        assertEquals(2, r.lastShippedPosition().orElseThrow().txid(),
            "shipping resumed with both inserts");
      }
      r.close();
    }
  }

  @Test
  void localReturnsWhileTheRepositoryFails() throws Exception {
    Path db = walDatabase();
    FaultyBackend backend = new FaultyBackend(LocalBackend.open(tmp.resolve("repo")));
    try (Repository repo = Repository.init(backend, TestRepo.password(),
        new Kdf.Params(1024, 8, 1))) {
      Replicator r = SqliteSource.of(db).replicate(repo, options().withLocalLog(true)
          .withSyncInterval(Duration.ofMillis(200)));
      backend.on(FaultyBackend.Op.SAVE).type(FileType.STREAM).always().fail();
      DurableDataSource ds = new DurableDataSource(plain(db), r, Durability.LOCAL,
          Duration.ofSeconds(5));
      try (Connection c = ds.getConnection()) {
        long until = System.nanoTime() + 1_500_000_000L; // several failed retries
        int seq = 0;
        while (System.nanoTime() < until) {
          insert(c, ++seq);
        }
        assertTrue(backend.calls(FaultyBackend.Op.SAVE, FileType.STREAM) >= 2,
            "shipping was retried and failed meanwhile");
        assertEquals(0, r.lastShippedPosition().orElseThrow().txid());
        backend.clearFaults();
        r.awaitDurable(Durability.SYNC, Duration.ofSeconds(10));
        assertEquals(seq, r.lastShippedPosition().orElseThrow().txid());
      }
      r.close();
    }
  }
}
