package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.sqlite.wal.WalFollower;
import dev.bulwark.sqlite.wal.WalFrame;
import dev.bulwark.sqlite.wal.WalGapException;
import dev.bulwark.sqlite.wal.WalPosition;
import dev.bulwark.sqlite.wal.WalSink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that let go of its read transaction finds the log restarted; the read transaction
 * the replicator takes again at that moment (the follower's restart hook) keeps SQLite from
 * restarting the log a second time while the new life is read. Without it, a busy service's second restart in that window is a gap (measured: every
 * 1% row update of the benchmark's 1 GiB database started a new generation).
 */
class FollowerRestartPinTest {
  @TempDir Path dir;
  private Path db;
  private Path wal;

  @BeforeEach
  void database() {
    db = dir.resolve("app.db");
    wal = dir.resolve("app.db-wal");
  }

  @Test
  void aReadTransactionTakenWhenTheRestartIsFoundForbidsASecondOne() throws Exception {
    try (Connection w = writer(); ReaderPin pin = new ReaderPin(db)) {
      Commits sink = new Commits();
      WalFollower follower = restartedUnderAFollower(w, pin, sink);
      int salt = follower.life().orElseThrow().salt1();

      follower.poll(sink, false, () -> {
        try {
          pin.advance();
          // The service checkpoints and writes on: with the read transaction held on the new
          // life, SQLite appends instead of restarting.
          SqliteConnections.execute(w, "PRAGMA wal_checkpoint(PASSIVE)");
          insert(w, 1);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });

      // The old life's last five, the new life's first, and the one written in the hook.
      assertThat(sink.commits).isEqualTo(7);
      assertThat(follower.life().orElseThrow().salt1()).isEqualTo(salt + 1);
      assertThat(follower.lastPollComplete()).isTrue();
    }
  }

  @Test
  void aSecondRestartBeforeTheReadTransactionIsAGap() throws Exception {
    try (Connection w = writer(); ReaderPin pin = new ReaderPin(db)) {
      Commits sink = new Commits();
      WalFollower follower = restartedUnderAFollower(w, pin, sink);

      assertThatThrownBy(() -> follower.poll(sink, false, () -> {
        try {
          // Nothing held: the service's next checkpoint and write restart the log again.
          SqliteConnections.execute(w, "PRAGMA wal_checkpoint(PASSIVE)");
          insert(w, 1);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      })).isInstanceOf(WalGapException.class).hasMessageContaining("twice");
    }
  }

  /**
   * A follower that read the log under a read transaction, then let go of it; five more
   * transactions, a complete checkpoint, and one more, which restarts the log.
   */
  private WalFollower restartedUnderAFollower(Connection w, ReaderPin pin, Commits sink)
      throws Exception {
    insert(w, 3);
    pin.advance();
    WalFollower follower = new WalFollower(wal, null, null);
    follower.poll(sink, true);
    assertThat(sink.commits).isPositive();
    sink.commits = 0;
    pin.release();
    insert(w, 5);
    SqliteConnections.execute(w, "PRAGMA wal_checkpoint(PASSIVE)");
    insert(w, 1);
    return follower;
  }

  private Connection writer() throws SQLException {
    Connection w = DriverManager.getConnection("jdbc:sqlite:" + db);
    SqliteConnections.execute(w, "PRAGMA journal_mode=WAL");
    SqliteConnections.execute(w, "PRAGMA wal_autocheckpoint=0");
    SqliteConnections.execute(w, "CREATE TABLE t(x)");
    return w;
  }

  private static void insert(Connection w, int transactions) throws SQLException {
    for (int i = 0; i < transactions; i++) {
      SqliteConnections.execute(w, "INSERT INTO t VALUES (randomblob(100))");
    }
  }

  private static final class Commits implements WalSink {
    int commits;

    @Override
    public void frame(WalFrame frame) {}

    @Override
    public void commit(WalPosition end, int dbSizePages) {
      commits++;
    }
  }
}
