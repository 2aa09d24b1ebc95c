package dev.bulwark.sqlite.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reading the -wal does to the service's SQLite locks, with the service's own connection in
 * this JVM and the real sqlite3 in another process. Linux only (/proc/locks).
 */
class WalLockSafetyTest {
  @TempDir Path dir;

  private Path db;
  private Path wal;
  private Path shm;

  private Connection service() throws SQLException {
    db = dir.resolve("service.db");
    wal = dir.resolve("service.db-wal");
    shm = dir.resolve("service.db-shm");
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    exec(c, "PRAGMA journal_mode=WAL");
    exec(c, "PRAGMA wal_autocheckpoint=0");
    exec(c, "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
    exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
    return c;
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Runs sql in a fresh sqlite3 process that waits for no lock; returns exit code and output. */
  private String sqlite3(String sql) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Tools.require("sqlite3").toString(), db.toString())
        .redirectErrorStream(true).start();
    p.getOutputStream().write((".timeout 0\n" + sql + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + ":" + out.strip();
  }

  /** Inodes of the files this process holds POSIX locks on, from /proc/locks. */
  private static Set<Long> lockedInodes() throws IOException {
    long pid = ProcessHandle.current().pid();
    Set<Long> inodes = new HashSet<>();
    for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 6 && f[1].equals("POSIX") && f[4].equals(Long.toString(pid))) {
        String[] dev = f[5].split(":");
        inodes.add(Long.parseLong(dev[2]));
      }
    }
    return inodes;
  }

  private static long inode(Path file) throws IOException {
    return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
  }

  private static final class Counting implements WalSink {
    int frames;

    @Override
    public void frame(WalFrame frame) {
      frames++;
    }

    @Override
    public void commit(WalPosition end, int dbSizePages) {}
  }

  @Test
  void readingTheWalKeepsTheServicesWriteLockAgainstAnotherProcess() throws Exception {
    try (Connection c = service()) {
      exec(c, "BEGIN IMMEDIATE");
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      Set<Long> locked = lockedInodes();
      assertThat(locked).as("SQLite in WAL mode locks the main file and -shm")
          .contains(inode(db), inode(shm));
      assertThat(locked).as("SQLite takes no POSIX lock on the -wal").doesNotContain(inode(wal));

      Counting seen = new Counting();
      WalReader reader = new WalReader(wal);
      for (int i = 0; i < 3; i++) {
        reader.read(null, seen);
      }
      assertThat(seen.frames).isPositive();
      assertThat(lockedInodes()).as("our open+close of -wal dropped nothing").isEqualTo(locked);
      assertThat(sqlite3("INSERT INTO t(v) VALUES (1);"))
          .as("another process still cannot write").contains("database is locked")
          .doesNotStartWith("0:");

      exec(c, "COMMIT");
      assertThat(sqlite3("INSERT INTO t(v) VALUES (1); SELECT count(*) FROM t;"))
          .isEqualTo("0:3");
    }
  }

  @Test
  void closingAnyDescriptorOfTheShmDropsTheServicesLocks() throws Exception {
    // Why the reader must never open -shm or the main file: this is the hazard it avoids.
    try (Connection c = service()) {
      exec(c, "BEGIN IMMEDIATE");
      exec(c, "INSERT INTO t(v) VALUES (randomblob(100))");
      assertThat(lockedInodes()).contains(inode(shm));
      Files.readAllBytes(shm);
      assertThat(lockedInodes()).as("POSIX locks are per process and file: close drops them")
          .doesNotContain(inode(shm));
      exec(c, "ROLLBACK");
    }
  }

  @Test
  void aCheckpointIsNeverBlockedByTheReaderAndIsSeenAsAReset() throws Exception {
    try (Connection c = service()) {
      // More than the reader keeps from its first walk (1 MiB), so the frames are read again
      // while delivered, after the checkpoint: the second walk is what sees the reset.
      for (int i = 0; i < 400; i++) {
        exec(c, "INSERT INTO t(v) VALUES (randomblob(3000))");
      }
      String[] checkpoint = new String[1];
      WalSink checkpointing = new WalSink() {
        @Override
        public void frame(WalFrame frame) throws IOException {
          if (checkpoint[0] == null) {
            try {
              checkpoint[0] = sqlite3("PRAGMA wal_checkpoint(TRUNCATE);");
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          }
        }

        @Override
        public void commit(WalPosition end, int dbSizePages) {}
      };
      assertThatThrownBy(() -> new WalReader(wal).read(null, checkpointing))
          .isInstanceOf(WalResetException.class);
      assertThat(checkpoint[0]).as("busy=0: the checkpoint ran to the end").startsWith("0:0|");
      assertThat(Files.size(wal)).isZero();
    }
  }

  @Test
  void framesWrittenByTheSqlite3ProcessReplayToTheCheckpointedDatabase() throws Exception {
    try (Connection c = service()) {
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      Path copy = dir.resolve("copy.db");
      Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
      // An idle connection of another process does not keep sqlite3 from checkpointing and
      // deleting the WAL as it closes; no_ckpt_on_close keeps the frames for us to read.
      assertThat(sqlite3(".dbconfig no_ckpt_on_close on\nPRAGMA wal_autocheckpoint=0;"
          + " INSERT INTO t(v) VALUES (randomblob(5000));"
          + " BEGIN; UPDATE t SET v = randomblob(50); DELETE FROM t WHERE id = 1; COMMIT;"
          + " BEGIN; INSERT INTO t(v) VALUES (randomblob(5000)); ROLLBACK;"))
          .as("exit 0").startsWith("0:").endsWith("\n0");
      PageApplier applier = new PageApplier(copy);
      try (applier) {
        new WalReader(wal).read(null, applier);
      }
      assertThat(applier.commits()).as("wal %d bytes, header %s", Files.size(wal),
          new WalReader(wal).header()).hasSize(2);
      exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(db));
    }
  }

  @Test
  void anOpenReadTransactionKeepsUnreadFramesButStopsTheWalFromRestarting() throws Exception {
    try (Connection c = service(); Connection replicator = DriverManager.getConnection(
        "jdbc:sqlite:" + db)) {
      Counting first = new Counting();
      WalReader reader = new WalReader(wal);
      WalPosition pos = reader.read(null, first);
      replicator.setAutoCommit(false);
      try (Statement s = replicator.createStatement()) {
        s.executeQuery("SELECT count(*) FROM t").close();
      }
      exec(c, "INSERT INTO t(v) VALUES (randomblob(3000))");
      assertThat(sqlite3("PRAGMA wal_checkpoint(TRUNCATE);"))
          .as("busy=1: the reader's snapshot stops the log from being cut").startsWith("0:1|");
      long before = Files.size(wal);
      exec(c, "INSERT INTO t(v) VALUES (randomblob(3000))");
      assertThat(Files.size(wal)).as("the WAL grows instead of restarting").isGreaterThan(before);
      Counting next = new Counting();
      assertThat(reader.read(pos, next).frameIndex()).isGreaterThan(pos.frameIndex());
      assertThat(next.frames).as("unread frames are still there, same salts").isPositive();
      replicator.rollback();
    }
  }
}
