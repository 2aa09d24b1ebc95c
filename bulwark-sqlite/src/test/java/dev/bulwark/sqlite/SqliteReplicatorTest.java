package dev.bulwark.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.core.FileType;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.testing.FaultyBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicator against a real SQLite database written by a connection of the same process:
 * every commit is shipped, the stream replays to the database's exact content, the service's
 * checkpoints of every kind are followed, and a second run resumes the generation.
 */
class SqliteReplicatorTest {
  @TempDir Path tmp;

  private ReplicationOptions options() {
    return ReplicationOptions.defaults().withSyncInterval(Duration.ofMillis(50))
        .withStateDir(tmp.resolve("state")).withDatabaseId("app");
  }

  private Path walDatabase() throws SQLException {
    return SeqTable.create(tmp.resolve("app.db"));
  }

  private static Connection open(Path db) throws SQLException {
    return SeqTable.open(db);
  }

  private static void insert(Connection c, int from, int to) throws SQLException {
    SeqTable.insert(c, from, to);
  }

  private static List<String> content(Path db) throws SQLException {
    return SeqTable.content(db);
  }

  private static String integrity(Path db) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The newest generation, replayed by the test's own rule, is the database row for row. */
  private Path assertStreamHolds(TestRepo repo, Path db) throws Exception {
    Path replayed = tmp.resolve("replayed-" + System.nanoTime() + ".db");
    StreamReplay.replay(repo, StreamReplay.newestBase(repo, "app"), replayed);
    assertEquals("ok", integrity(replayed));
    assertEquals(content(db), content(replayed));
    return replayed;
  }

  @Test
  void everyCommitIsShippedAndTheStreamReplaysToTheDatabase() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Connection w = open(db)) {
      insert(w, 0, 50);
      Replicator r = SqliteSource.of(db).replicate(repo.repo, options());
      try {
        insert(w, 50, 400);
        try (Statement s = w.createStatement()) {
          s.execute("UPDATE t SET v = randomblob(100) WHERE seq % 7 = 0");
          s.execute("DELETE FROM t WHERE seq % 11 = 0");
        }
        r.awaitDurable(Duration.ofSeconds(20));
        assertTrue(r.lastShippedPosition().orElseThrow().txid() >= 350,
            "every commit is a position: " + r.lastShippedPosition());
      } finally {
        r.close();
      }
      assertStreamHolds(repo, db);
    }
  }

  @Test
  void theServicesOwnCheckpointsOfEveryKindAreFollowed() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Connection w = open(db)) {
      Replicator r = SqliteSource.of(db).replicate(repo.repo, options());
      int seq = 0;
      try (Statement s = w.createStatement()) {
        // The replicator's read transaction moves on every sync interval (50 ms here), so a
        // checkpoint that waits for readers gets its turn within two of them.
        s.execute("PRAGMA busy_timeout=2000");
        for (String mode : List.of("PASSIVE", "FULL", "RESTART", "TRUNCATE", "TRUNCATE")) {
          insert(w, seq, seq + 60);
          seq += 60;
          try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            rs.next();
            assertEquals(0, rs.getInt(1), mode + " checkpoint starved by the replicator");
          }
          insert(w, seq, seq + 5);
          seq += 5;
          r.awaitDurable(Duration.ofSeconds(20));
        }
      } finally {
        r.close();
      }
      assertStreamHolds(repo, db);
    }
  }

  @Test
  void aSecondRunResumesTheGeneration() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Connection w = open(db)) {
      StreamPosition first;
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, options())) {
        insert(w, 0, 40);
        r.awaitDurable(Duration.ofSeconds(20));
        first = r.lastShippedPosition().orElseThrow();
      }
      insert(w, 40, 80);
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, options())) {
        insert(w, 80, 120);
        r.awaitDurable(Duration.ofSeconds(20));
        StreamPosition second = r.lastShippedPosition().orElseThrow();
        assertEquals(first.generation(), second.generation(), "resumed, no new generation");
        assertTrue(second.txid() >= first.txid() + 80, first + " then " + second);
      }
      Snapshot base = StreamReplay.newestBase(repo, "app");
      Path replayed = tmp.resolve("replayed.db");
      StreamReplay.replay(repo, base, replayed);
      assertEquals(content(db), content(replayed));
      assertEquals(1, repo.repo.snapshots().size(), "one base snapshot, no second generation");
    }
  }

  /**
   * The service is down while the replicator stops and starts again: no connection of the
   * replicator's may checkpoint the WAL on closing (SQLite does when the last read-write one
   * closes), or the restart finds the log it stood in gone and must begin anew.
   */
  @Test
  void aRestartWhileTheServiceIsDownResumesTheGeneration() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      StreamPosition first;
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, options())) {
        try (Connection w = open(db)) {
          insert(w, 0, 40);
        }
        r.awaitDurable(Duration.ofSeconds(20));
        first = r.lastShippedPosition().orElseThrow();
      }
      assertTrue(Sidecar.WAL.holdsChanges(db), "the replicator's close left the WAL alone");
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, options())) {
        try (Connection w = open(db)) {
          insert(w, 40, 80);
        }
        r.awaitDurable(Duration.ofSeconds(20));
        StreamPosition second = r.lastShippedPosition().orElseThrow();
        assertEquals(first.generation(), second.generation(), "resumed, no new generation");
      }
      assertStreamHolds(repo, db);
      assertEquals(1, repo.repo.snapshots().size(), "one base snapshot, no second generation");
    }
  }

  /**
   * A scheduled or by-hand backup while both the service and the replicator are down: its
   * reading connection is then the only one, and SQLite checkpoints and deletes the WAL when
   * the last read-write connection closes, so the replicator's next start would find the log it
   * stood in gone and begin a new generation (a full snapshot) for nothing.
   */
  @Test
  void aBackupWhileTheServiceAndTheReplicatorAreDownLeavesTheWalToTheReplicator()
      throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      StreamPosition first;
      List<String> written;
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, options())) {
        try (Connection w = open(db)) {
          insert(w, 0, 40);
        }
        r.awaitDurable(Duration.ofSeconds(20));
        first = r.lastShippedPosition().orElseThrow();
        written = content(db); // read while the replicator keeps the WAL from a checkpoint
      }
      assertTrue(Sidecar.WAL.holdsChanges(db), "the replicator's close left the WAL alone");
      Snapshot backup = repo.backup(SqliteSource.of(db)).snapshot();
      assertTrue(Sidecar.WAL.holdsChanges(db), "the backup's close left the WAL alone");
      Path restored = tmp.resolve("restored.db");
      repo.restore(backup, restored);
      assertEquals(written, content(restored), "the backup holds what the WAL holds");
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, options())) {
        try (Connection w = open(db)) {
          insert(w, 40, 80);
        }
        r.awaitDurable(Duration.ofSeconds(20));
        assertEquals(first.generation(), r.lastShippedPosition().orElseThrow().generation(),
            "resumed, no new generation");
      }
      assertStreamHolds(repo, db);
    }
  }

  @Test
  void aReplacedDatabaseStartsANewGeneration() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      long gen;
      try (Connection w = open(db)) {
        insert(w, 0, 10);
      }
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, options())) {
        r.awaitDurable(Duration.ofSeconds(20));
        gen = r.lastShippedPosition().orElseThrow().generation();
        Files.delete(db);
        Files.deleteIfExists(tmp.resolve("app.db-wal"));
        Files.deleteIfExists(tmp.resolve("app.db-shm"));
        walDatabase();
        try (Connection w = open(db)) {
          insert(w, 1000, 1020);
        }
        r.awaitDurable(Duration.ofSeconds(20));
        assertNotEquals(gen, r.lastShippedPosition().orElseThrow().generation());
      }
      assertStreamHolds(repo, db);
    }
  }

  @Test
  void whatWasReadBeforeABreakIsShippedToTheOldGeneration() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      // An hour's interval: nothing read ships on its own before the break.
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo,
          options().withSyncInterval(Duration.ofHours(1)))) {
        long gen = r.lastShippedPosition().orElseThrow().generation();
        try (Connection w = open(db)) {
          insert(w, 0, 30);
        }
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (r.pendingBytes() == 0 && System.nanoTime() < until) {
          Thread.sleep(5);
        }
        assertTrue(r.pendingBytes() > 0, "the replicator read the 30 transactions");
        assertEquals(0, r.lastShippedPosition().orElseThrow().txid(), "and shipped none yet");
        Path copy = tmp.resolve("copy.db");
        try (Connection c = open(db); Statement s = c.createStatement()) {
          s.execute("VACUUM INTO '" + copy + "'");
        }
        try (Connection c = open(copy); Statement s = c.createStatement()) {
          s.execute("PRAGMA journal_mode=WAL");
        }
        Files.deleteIfExists(tmp.resolve("app.db-wal"));
        Files.deleteIfExists(tmp.resolve("app.db-shm"));
        Files.move(copy, db, StandardCopyOption.REPLACE_EXISTING);
        until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (r.lastShippedPosition().orElseThrow().generation() == gen
            && System.nanoTime() < until) {
          Thread.sleep(5);
        }
        assertNotEquals(gen, r.lastShippedPosition().orElseThrow().generation());
        List<SegmentRef> old = new SegmentStore(repo.repo).list("app", gen);
        assertEquals(30, old.isEmpty() ? 0 : old.get(old.size() - 1).lastTxid(),
            "the 30 transactions read before the database was replaced: " + old);
      }
    }
  }

  @Test
  void aStalledRepositoryNeverStallsTheWriterAndTheStreamCatchesUp() throws Exception {
    Path db = walDatabase();
    FaultyBackend backend = new FaultyBackend(LocalBackend.open(tmp.resolve("repo")));
    try (Repository repo = Repository.init(backend, TestRepo.password(),
        new Kdf.Params(1024, 8, 1)); Connection w = open(db)) {
      Replicator r = SqliteSource.of(db).replicate(repo, options());
      long gen = r.lastShippedPosition().orElseThrow().generation();
      FaultyBackend.Fault stall = backend.on(FaultyBackend.Op.SAVE).type(FileType.STREAM)
          .always().stall(Duration.ofMillis(700));
      long slowest = 0;
      long until = System.nanoTime() + 2_500_000_000L;
      int seq = 0;
      while (System.nanoTime() < until) {
        long t0 = System.nanoTime();
        insert(w, seq, seq + 1);
        slowest = Math.max(slowest, System.nanoTime() - t0);
        seq++;
        Thread.sleep(1);
      }
      assertTrue(stall.fired() > 0, "shipping stalled");
      assertTrue(slowest < 1_000_000_000L / 2, "a commit waited " + slowest / 1_000_000
          + " ms while the repository stalled");
      backend.clearFaults();
      stall.release();
      r.awaitDurable(Duration.ofSeconds(30));
      assertEquals(gen, r.lastShippedPosition().orElseThrow().generation(),
          "a short stall keeps the generation");
      r.close();
      Path replayed = tmp.resolve("replayed.db");
      try (TestRepo view = TestRepo.open(tmp.resolve("repo"))) {
        StreamReplay.replay(view, StreamReplay.newestBase(view, "app"), replayed);
      }
      assertEquals(content(db), content(replayed));
    }
  }

  @Test
  void aVacuumIsFollowedOrBeginsAGenerationAndReplaysRight() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Connection w = open(db)) {
      insert(w, 0, 300);
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, options())) {
        try (Statement s = w.createStatement()) {
          s.execute("DELETE FROM t WHERE seq % 2 = 0");
          s.execute("VACUUM");
        }
        insert(w, 1000, 1010);
        r.awaitDurable(Duration.ofSeconds(20));
      }
      assertStreamHolds(repo, db);
    }
  }

  @Test
  void aPageSizeChangeBeginsANewGeneration() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      long gen;
      try (Connection w = open(db); Replicator r = SqliteSource.of(db).replicate(repo.repo,
          options())) {
        insert(w, 0, 50);
        r.awaitDurable(Duration.ofSeconds(20));
        gen = r.lastShippedPosition().orElseThrow().generation();
      }
      // SQLite changes the page size only outside WAL mode, with no other connection open.
      try (Connection w = open(db); Statement s = w.createStatement()) {
        s.execute("PRAGMA journal_mode=DELETE");
        s.execute("PRAGMA page_size=8192");
        s.execute("VACUUM");
        s.execute("PRAGMA journal_mode=WAL");
      }
      try (Connection w = open(db); Replicator r = SqliteSource.of(db).replicate(repo.repo,
          options())) {
        insert(w, 50, 80);
        r.awaitDurable(Duration.ofSeconds(20));
        assertNotEquals(gen, r.lastShippedPosition().orElseThrow().generation());
      }
      Path replayed = assertStreamHolds(repo, db);
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + replayed);
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA page_size")) {
        rs.next();
        assertEquals(8192, rs.getInt(1));
      }
    }
  }

  @Test
  void snapshotsBuiltFromTheStreamHoldTheDatabaseWithoutReadingIt() throws Exception {
    Path db = walDatabase();
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo")); Connection w = open(db)) {
      insert(w, 0, 100);
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo,
          options().withSnapshotInterval(Duration.ofMillis(300)))) {
        insert(w, 100, 200);
        Snapshot folded = r.snapshot();
        StreamTags tags = StreamReplay.tags(folded);
        assertEquals(r.lastShippedPosition().orElseThrow().txid(), tags.txid(),
            "the snapshot is at the newest shipped point");
        assertTrue(tags.txid() > 0, "built from the stream, not the base");
        Path restored = tmp.resolve("restored.db");
        repo.restore(folded, restored);
        assertEquals(content(db), content(restored));
        insert(w, 200, 220);
        r.awaitDurable(Duration.ofSeconds(20));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (repo.repo.snapshots().stream().noneMatch(s -> StreamReplay.tags(s).txid()
            >= r.lastShippedPosition().orElseThrow().txid()) && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(repo.repo.snapshots().size() >= 3, "the periodic snapshot came: "
            + repo.repo.snapshots().size());
      }
    }
  }

  @Test
  void aDatabaseNotInWalModeIsRefusedWithTheFix() throws Exception {
    Path db = tmp.resolve("rollback.db");
    try (Connection c = open(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t(x)");
    }
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      SourceException e = assertThrows(SourceException.class,
          () -> SqliteSource.of(db).replicate(repo.repo, options()));
      assertTrue(e.getMessage().contains("PRAGMA journal_mode=WAL"), e.getMessage());
      assertTrue(Files.notExists(tmp.resolve("state")), "nothing is written for a refused one");
      assertEquals(List.of(), repo.repo.snapshots());
    }
  }
}
