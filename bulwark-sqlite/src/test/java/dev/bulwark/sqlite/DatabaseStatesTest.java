package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.stream.LocalStates;
import dev.bulwark.core.stream.PageSetChecksum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The states a database provably went through, read from its file and WAL, against the real
 * thing: a copy of the database and WAL taken after each commit, checkpointed by SQLite and
 * hashed page by page. Covers a WAL restart and a checkpoint that copied frames without one.
 */
class DatabaseStatesTest {
  @TempDir Path tmp;

  private Path create() throws Exception {
    Path db = tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
      s.execute("INSERT INTO t(v) VALUES (randomblob(3000))");
    }
    return db;
  }

  /** The checksum SQLite's own reading of {@code db} (file plus WAL) gives, from a copy. */
  private PageSetChecksum stateOf(Path db, String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Path copy = dir.resolve("c.db");
    Files.copy(db, copy);
    Path wal = db.resolveSibling(db.getFileName() + "-wal");
    if (Files.exists(wal)) {
      Files.copy(wal, dir.resolve("c.db-wal"));
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    byte[] bytes = Files.readAllBytes(copy);
    int pageSize = ((bytes[16] & 0xff) << 8) | (bytes[17] & 0xff);
    long sum = 0;
    for (int n = 1; n * pageSize <= bytes.length; n++) {
      sum ^= PageSetChecksum.pageHash(n, bytes, (n - 1) * pageSize, pageSize);
    }
    return new PageSetChecksum(sum);
  }

  @Test
  void everyCommitInTheWalIsAStateAndTheLastIsTheDatabaseNow() throws Exception {
    Path db = create();
    List<PageSetChecksum> expected = new ArrayList<>();
    try (Sqlite3Shell shell = Sqlite3Shell.open(db)) {
      shell.run(".dbconfig no_ckpt_on_close on");
      expected.add(stateOf(db, "s0"));
      for (int i = 1; i <= 4; i++) {
        // Growth (new pages), a rewrite, a shrink: replay's page counting on each.
        shell.run(i == 3 ? "DELETE FROM t WHERE seq > 2; " : "INSERT INTO t(v) VALUES"
            + " (randomblob(" + (i * 5000) + "));");
        expected.add(stateOf(db, "s" + i));
      }
      shell.kill();
    }
    LocalStates states = DatabaseStates.read(db);
    assertThat(states.states()).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(states.states().get(i).forms()).as("state " + i).contains(expected.get(i));
      assertThat(states.states().get(i).transactionsAfter()).isEqualTo(4 - i);
    }
    assertThat(expected).doesNotHaveDuplicates();
  }

  /**
   * After a checkpoint restarted the WAL, the file holds every earlier commit: the file alone
   * is a real state (the head a stream could be at), then the new life's commits.
   */
  @Test
  void afterAWalRestartTheFileIsTheStateBeforeTheNewLife() throws Exception {
    Path db = create();
    try (Sqlite3Shell shell = Sqlite3Shell.open(db)) {
      shell.run(".dbconfig no_ckpt_on_close on");
      shell.run("INSERT INTO t(v) VALUES (randomblob(9000));");
      shell.run("PRAGMA wal_checkpoint(RESTART);");
      PageSetChecksum beforeNewLife = stateOf(db, "restart");
      shell.run("INSERT INTO t(v) VALUES (randomblob(100));");
      PageSetChecksum now = stateOf(db, "now");
      shell.kill();
      LocalStates states = DatabaseStates.read(db);
      assertThat(states.states()).hasSize(2);
      assertThat(states.states().get(0).forms()).contains(beforeNewLife);
      assertThat(states.states().get(0).transactionsAfter()).isEqualTo(1);
      assertThat(states.now().forms()).contains(now);
    }
  }

  /**
   * A checkpoint that copied frames into the file while a reader kept the log from restarting:
   * the file then holds commits the WAL still holds too. The states before the copied frames
   * are not real and must not match the state before them; the newest state equal to a real
   * one has the right count after it; the database now is read right.
   */
  @Test
  void framesAlreadyCheckpointedLeaveNoFalseEarlierState() throws Exception {
    Path db = create();
    try (Sqlite3Shell shell = Sqlite3Shell.open(db)) {
      shell.run(".dbconfig no_ckpt_on_close on");
      PageSetChecksum first = stateOf(db, "first");
      shell.run("INSERT INTO t(v) VALUES (randomblob(9000));");
      shell.run("UPDATE t SET v = randomblob(5000) WHERE seq = 1;");
      PageSetChecksum second = stateOf(db, "second");
      try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement r = reader.createStatement()) {
        reader.setAutoCommit(false);
        r.executeQuery("SELECT count(*) FROM t").close(); // a read mark: no restart
        shell.run("PRAGMA wal_checkpoint(PASSIVE);");
        shell.run("UPDATE t SET v = randomblob(20) WHERE seq = 1;");
        reader.rollback();
      }
      PageSetChecksum now = stateOf(db, "now");
      shell.kill();
      LocalStates states = DatabaseStates.read(db);
      assertThat(states.states()).as("the WAL kept all three commits").hasSize(4);
      assertThat(states.now().forms()).contains(now);
      for (LocalStates.State s : states.states()) {
        assertThat(s.forms()).doesNotContain(first);
      }
      LocalStates.State newestSecond = states.states().stream()
          .filter(s -> s.is(second)).reduce((a, b) -> b).orElseThrow();
      assertThat(newestSecond.transactionsAfter()).isEqualTo(1);
    }
  }
}
