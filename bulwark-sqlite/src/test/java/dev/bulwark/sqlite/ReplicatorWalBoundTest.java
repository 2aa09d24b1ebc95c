package dev.bulwark.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's bounds, measured with a writer committing under SQLite's default
 * wal_autocheckpoint (1,000 a second, the rate) while the replicator runs in the same process with its default 1 s sync
 * interval: the WAL never grows past four autocheckpoints' worth, and no commit waits long on
 * the replicator.
 */
@Slow
class ReplicatorWalBoundTest {
  private static final int PAGE = 4096;
  private static final long WAL_LIMIT = 32 + 4L * 1000 * (24 + PAGE);
  @TempDir Path tmp;

  @Test
  void theWalStaysBoundedAndWritesDoNotWait() throws Exception {
    Path db = tmp.resolve("busy.db");
    Path wal = tmp.resolve("busy.db-wal");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
    }
    Writer baseline = new Writer(db, 0);
    baseline.runFor(3_000);
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      Replicator r = SqliteSource.of(db).replicate(repo.repo, ReplicationOptions.defaults()
          .withStateDir(tmp.resolve("state")).withDatabaseId("busy"));
      Writer writer = new Writer(db, baseline.next);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong largestWal = new AtomicLong();
      Thread sampler = new Thread(() -> {
        while (!stop.get()) {
          try {
            if (Files.exists(wal)) {
              largestWal.accumulateAndGet(Files.size(wal), Math::max);
            }
            Thread.sleep(2);
          } catch (Exception e) {
            // the WAL may vanish between exists and size; the next sample sees it
          }
        }
      });
      sampler.start();
      writer.runFor(6_000);
      stop.set(true);
      sampler.join();
      r.awaitDurable(Duration.ofSeconds(30));
      r.close();
      System.out.printf("alone: %d commits, slowest %.1f ms; replicated: %d commits, slowest"
          + " %.1f ms, largest WAL %d bytes (limit %d)%n", baseline.commits,
          baseline.slowestNanos / 1e6, writer.commits, writer.slowestNanos / 1e6,
          largestWal.get(), WAL_LIMIT);
      assertTrue(writer.commits > 3000, "the writer kept writing: " + writer.commits);
      assertTrue(largestWal.get() <= WAL_LIMIT, "WAL grew to " + largestWal.get());
      // 50 ms is the target; a machine whose own noise exceeds it is judged against itself.
      long allowed = Math.max(50_000_000L, 2 * baseline.slowestNanos);
      assertTrue(writer.slowestNanos <= allowed, "a commit waited "
          + writer.slowestNanos / 1_000_000 + " ms (alone: " + baseline.slowestNanos / 1_000_000
          + " ms)");
      Path replayed = tmp.resolve("replayed.db");
      StreamReplay.replay(repo, StreamReplay.newestBase(repo, "busy"), replayed);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + replayed);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*), max(seq) FROM t")) {
        rs.next();
        assertEquals(writer.next, rs.getLong(1), "every commit replayed");
        assertEquals(writer.next - 1, rs.getLong(2));
      }
    }
  }

  /** Inserts rows numbered from {@code next} at 1,000 commits a second, timing each commit. */
  private static final class Writer {
    private final Path db;
    long next;
    long commits;
    long slowestNanos;

    Writer(Path db, long next) {
      this.db = db;
      this.next = next;
    }

    void runFor(long millis) throws Exception {
      try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + db)) {
        try (Statement s = w.createStatement()) {
          s.execute("PRAGMA busy_timeout=10000");
          s.execute("PRAGMA synchronous=NORMAL");
        }
        try (PreparedStatement p = w.prepareStatement(
            "INSERT INTO t(seq, v) VALUES (?, randomblob(200 + abs(random() % 1500)))")) {
          long start = System.nanoTime();
          for (long i = 0; System.nanoTime() - start < millis * 1_000_000L; i++) {
            long behind = start + i * 1_000_000L - System.nanoTime();
            if (behind > 0) {
              Thread.sleep(behind / 1_000_000, (int) (behind % 1_000_000));
            }
            long t0 = System.nanoTime();
            p.setLong(1, next);
            p.executeUpdate();
            slowestNanos = Math.max(slowestNanos, System.nanoTime() - t0);
            next++;
            commits++;
          }
        }
      }
    }
  }
}
