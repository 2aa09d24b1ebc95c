package dev.bulwark.sqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WalReader against a real SQLite WAL written by sqlite-jdbc in this JVM. */
class WalReaderTest {
  @TempDir Path dir;

  private Path db;
  private Path wal;

  private Connection open() throws SQLException {
    db = dir.resolve("service.db");
    wal = dir.resolve("service.db-wal");
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      // Our test decides when to checkpoint; the default would move frames out under us.
      s.execute("PRAGMA wal_autocheckpoint=0");
      s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return c;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private Path copyOfMain(String name) throws Exception {
    Path copy = dir.resolve(name);
    Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }

  private static String integrity(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
      r.next();
      return r.getString(1);
    }
  }

  @Test
  void committedFramesAppliedToTheOldMainFileGiveTheCheckpointedDatabase() throws Exception {
    try (Connection c = open()) {
      Path copy = copyOfMain("copy.db");
      for (int tx = 0; tx < 5; tx++) {
        exec(c, "INSERT INTO t(v) SELECT randomblob(3000) FROM (SELECT 1 UNION SELECT 2)");
      }
      exec(c, "UPDATE t SET v = randomblob(100) WHERE id % 3 = 0");
      PageApplier applier = new PageApplier(copy);
      WalPosition end;
      try (applier) {
        end = new WalReader(wal).read(null, applier);
      }
      assertThat(applier.commits()).hasSize(6);
      assertThat(end.frameIndex()).isEqualTo(applier.frames());
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(db));
      assertThat(integrity(copy)).isEqualTo("ok");
    }
  }

  @Test
  void aTransactionLargerThanTheFirstWalkKeepsIsReadAgainToTheSameDatabase() throws Exception {
    try (Connection c = open()) {
      Path copy = copyOfMain("copy.db");
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      // About 400 pages in one transaction: more than the reader keeps from its first walk.
      exec(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
          + " INSERT INTO t(v) SELECT randomblob(3000) FROM n");
      exec(c, "UPDATE t SET v = randomblob(50) WHERE id = 1");
      PageApplier applier = new PageApplier(copy);
      WalPosition end;
      try (applier) {
        end = new WalReader(wal).read(null, applier);
      }
      assertThat(applier.frames()).as("frames delivered").isGreaterThan(300);
      assertThat(applier.commits()).hasSize(3);
      assertThat(end.frameIndex()).isEqualTo(applier.frames());
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(db));
      assertThat(integrity(copy)).isEqualTo("ok");
    }
  }

  @Test
  void aFrameLimitReadsWholeTransactionsInStepsToTheSameEnd() throws Exception {
    try (Connection c = open()) {
      Path copy = copyOfMain("copy.db");
      for (int tx = 0; tx < 12; tx++) {
        exec(c, "INSERT INTO t(v) SELECT randomblob(3000) FROM (SELECT 1 UNION SELECT 2)");
      }
      WalReader reader = new WalReader(wal);
      WalPosition all;
      try (PageApplier whole = new PageApplier(copyOfMain("whole.db"))) {
        all = reader.read(null, whole);
      }
      int steps = 0;
      int commits = 0;
      WalPosition at = null;
      try (PageApplier stepped = new PageApplier(copy)) {
        do {
          at = reader.read(at, stepped, 5);
          steps++;
        } while (!reader.lastReadComplete());
        commits = stepped.commits().size();
      }
      assertThat(steps).as("a limit of 5 frames needs several reads").isGreaterThan(3);
      assertThat(at).isEqualTo(all);
      assertThat(commits).isEqualTo(12);
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(db));
    }
  }

  @Test
  void resumesFromAPositionAndReadsOnlyNewTransactions() throws Exception {
    try (Connection c = open()) {
      Path copy = copyOfMain("copy.db");
      WalReader reader = new WalReader(wal);
      exec(c, "INSERT INTO t(v) VALUES (randomblob(5000))");
      PageApplier first = new PageApplier(copy);
      WalPosition mid;
      try (first) {
        mid = reader.read(null, first);
      }
      exec(c, "INSERT INTO t(v) VALUES (randomblob(5000))");
      exec(c, "INSERT INTO t(v) VALUES (randomblob(5000))");
      PageApplier second = new PageApplier(copy);
      WalPosition end;
      try (second) {
        end = reader.read(mid, second);
      }
      assertThat(first.commits()).hasSize(1);
      assertThat(second.commits()).hasSize(2);
      assertThat(end.frameIndex()).isEqualTo(mid.frameIndex() + second.frames());
      try (PageApplier none = new PageApplier(copy)) {
        assertThat(reader.read(end, none)).isEqualTo(end);
        assertThat(none.frames()).isZero();
      }
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(db));
    }
  }

  @Test
  void aRolledBackTransactionsSpilledFramesAreNotYielded() throws Exception {
    try (Connection c = open()) {
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      long committedBytes = Files.size(wal);
      // A tiny cache makes SQLite spill the big transaction's pages into the WAL before commit.
      exec(c, "PRAGMA cache_size=2");
      exec(c, "BEGIN");
      exec(c, "INSERT INTO t(v) SELECT randomblob(4000) FROM (WITH RECURSIVE n(i) AS "
          + "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) SELECT i FROM n)");
      exec(c, "ROLLBACK");
      assertThat(Files.size(wal)).as("spilled frames are in the file").isGreaterThan(
          committedBytes + 10 * 4096);
      PageApplier applier = new PageApplier(copyOfMain("copy.db"));
      WalPosition end;
      try (applier) {
        end = new WalReader(wal).read(null, applier);
      }
      assertThat(applier.commits()).hasSize(1);
      assertThat(WalHeader.SIZE + end.frameIndex() * (24 + 4096)).isEqualTo(committedBytes);
    }
  }

  @Test
  void aTornCommitFrameEndsTheLogBeforeItsTransaction() throws Exception {
    try (Connection c = open(); PageApplier a = new PageApplier(copyOfMain("a.db"));
        PageApplier b = new PageApplier(copyOfMain("b.db"))) {
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      WalReader reader = new WalReader(wal);
      WalPosition committed = reader.read(null, a);
      exec(c, "INSERT INTO t(v) VALUES (randomblob(9000))");
      // A writer cut off while writing its commit frame leaves a tail no checksum accepts.
      try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE)) {
        ch.truncate(ch.size() - 1);
      }
      assertThat(reader.read(committed, b)).isEqualTo(committed);
      assertThat(b.frames()).as("no frame of the torn transaction").isZero();
    }
  }

  @Test
  void aWalRestartedAfterACheckpointIsAReset() throws Exception {
    try (Connection c = open()) {
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      WalReader reader = new WalReader(wal);
      WalHeader before = reader.header().orElseThrow();
      WalPosition pos;
      try (PageApplier a = new PageApplier(copyOfMain("a.db"))) {
        pos = reader.read(null, a);
      }
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      WalHeader after = reader.header().orElseThrow();
      assertThat(after.salt1()).isNotEqualTo(before.salt1());
      try (PageApplier b = new PageApplier(copyOfMain("b.db"))) {
        assertThatThrownBy(() -> reader.read(pos, b))
            .isInstanceOf(WalResetException.class).hasMessageContaining("salts changed");
        assertThat(b.frames()).isZero();
      }
    }
  }

  @Test
  void checksumFollowsSqlitesFormulaInBothByteOrders() {
    byte[] words = {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4};
    int[] be = new int[2];
    WalChecksum.update(be, words, 0, 16, true);
    // s0 = 0 + 1 + 0 = 1; s1 = 0 + 2 + 1 = 3; s0 = 1 + 3 + 3 = 7; s1 = 3 + 4 + 7 = 14
    assertThat(be).containsExactly(7, 14);
    int[] le = new int[2];
    WalChecksum.update(le, words, 0, 16, false);
    int one = 1 << 24;
    assertThat(le).containsExactly(one + 3 * one + (2 * one + one),
        (2 * one + one) + 4 * one + (one + 3 * one + (2 * one + one)));
  }
}
