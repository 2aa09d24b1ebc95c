package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Progress;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StartupPolicy;
import dev.bulwark.core.stream.StartupRefusedException;
import dev.bulwark.core.stream.StartupRefusedException.Reason;
import dev.bulwark.core.stream.StartupReport;
import dev.bulwark.core.stream.StartupReport.Outcome;
import dev.bulwark.core.stream.StreamBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up position check and the binding, on real SQLite files and a real repository:
 * each kind of replaced database gives its rule's outcome, and a refused start ships nothing.
 */
class StartupCheckTest {
  @TempDir Path tmp;

  private ReplicationOptions options(String id) {
    return ReplicationOptions.defaults().withSyncInterval(Duration.ofMillis(50))
        .withSnapshotInterval(Duration.ZERO).withStateDir(tmp.resolve("state-" + id))
        .withDatabaseId(id);
  }

  private static Path create(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
    }
    return db;
  }

  private static void insert(Path db, int from, int to) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      for (int i = from; i < to; i++) {
        s.execute("INSERT INTO t(seq, v) VALUES (" + i + ", randomblob(500))");
      }
    }
  }

  /** Streams {@code db} while {@code rows} more rows are committed, then stops everything. */
  private static void stream(TestRepo repo, Path db, ReplicationOptions o, int from, int to)
      throws Exception {
    try (Replicator r = SqliteSource.of(db).replicate(repo.repo, o)) {
      insert(db, from, to);
      r.awaitDurable(Duration.ofSeconds(30));
    }
  }

  private static StartupReport check(TestRepo repo, Path db, ReplicationOptions o,
      StartupPolicy p) throws Exception {
    return SqliteSource.of(db).startupCheck(repo.repo, o, p);
  }

  private static List<SegmentRef> segments(TestRepo repo, String stream) throws Exception {
    return new SegmentStore(repo.repo).listAll().stream()
        .filter(r -> r.databaseId().equals(stream)).toList();
  }

  private static void replace(Path db, Path by) throws Exception {
    Files.deleteIfExists(db.resolveSibling(db.getFileName() + "-wal"));
    Files.deleteIfExists(db.resolveSibling(db.getFileName() + "-shm"));
    Files.delete(db); // a new file, as a restore from a copy makes
    Files.copy(by, db, StandardCopyOption.COPY_ATTRIBUTES);
  }

  @Test
  void eachReplacedDatabaseGivesItsRulesOutcome() throws Exception {
    ReplicationOptions app = options("app");
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      Path db = create(tmp.resolve("app.db"));
      insert(db, 0, 5);
      assertThat(check(repo, db, app, StartupPolicy.defaults()).outcome())
          .isEqualTo(Outcome.NEW_STREAM);
      stream(repo, db, app, 5, 10);
      // Right after a start, no transaction has rewritten page 1: the stream holds it in the
      // backup API's form, and the check must still see the database at the head.
      assertThat(check(repo, db, app, StartupPolicy.defaults()).outcome())
          .isEqualTo(Outcome.EQUAL);
      Path older = Files.copy(db, tmp.resolve("older.db"));
      stream(repo, db, app, 10, 20);
      StartupReport equal = check(repo, db, app, StartupPolicy.defaults());
      assertThat(equal.outcome()).isEqualTo(Outcome.EQUAL);
      assertThat(equal.transactionsAhead()).isZero();

      // A crash between commit and ship: one transaction in the WAL past the head.
      Sqlite3Shell.runAndKill(db, "INSERT INTO t(seq, v) VALUES (20, randomblob(500));");
      StartupReport ahead = check(repo, db, app, StartupPolicy.defaults());
      assertThat(ahead.outcome()).isEqualTo(Outcome.AHEAD);
      assertThat(ahead.transactionsAhead()).isEqualTo(1);
      stream(repo, db, app, 21, 22);
      assertThat(check(repo, db, app, StartupPolicy.defaults()).outcome())
          .isEqualTo(Outcome.EQUAL);
      Path current = Files.copy(db, tmp.resolve("current.db"));

      // The database replaced by an older copy: the stream is ahead.
      int before = segments(repo, "app").size();
      replace(db, older);
      assertThatThrownBy(() -> check(repo, db, app, StartupPolicy.defaults()))
          .isInstanceOfSatisfying(StartupRefusedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.STREAM_AHEAD);
            assertThat(e.getMessage()).contains("transaction", "an earlier state", "whose head",
                "bulwark restore", "--accept-older-database").doesNotContain("\n");
          });

      // A copy of another stream's database (its binding left behind: the content decides).
      Path other = create(tmp.resolve("other.db"));
      stream(repo, other, options("other"), 0, 30);
      replace(db, other);
      assertThatThrownBy(() -> check(repo, db, app, StartupPolicy.defaults()))
          .isInstanceOfSatisfying(StartupRefusedException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_STATE));

      // Far ahead: transactions the WAL no longer holds, in a file put in its place.
      Path far = Files.copy(current, tmp.resolve("far.db"));
      insert(far, 100, 150);
      replace(db, far);
      assertThatThrownBy(() -> check(repo, db, app, StartupPolicy.defaults()))
          .isInstanceOfSatisfying(StartupRefusedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_STATE);
            assertThat(e.getMessage()).contains("matches no state of stream app");
          });
      assertThat(segments(repo, "app")).as("nothing shipped by refused starts").hasSize(before);

      // Accepted on purpose: a new generation starts from it.
      StartupReport accepted = check(repo, db, app,
          StartupPolicy.defaults().acceptingOlderDatabase());
      assertThat(accepted.outcome()).isEqualTo(Outcome.NEW_GENERATION);
      long oldGeneration = accepted.head().orElseThrow().position().generation();
      try (Replicator r = SqliteSource.of(db).replicate(repo.repo, app)) {
        assertThat(r.lastShippedPosition().orElseThrow().generation())
            .isNotEqualTo(oldGeneration);
      }
      assertThat(check(repo, db, app, StartupPolicy.defaults()).outcome())
          .isEqualTo(Outcome.EQUAL);
    }
  }

  /**
   * A service committing while the check reads (beside it, as {@code bulwark replicate} runs):
   * its commits only append to the WAL, so every check places the database past the head.
   * The writer is a thread of this JVM for speed; the check reading the file drops its POSIX
   * locks (why the check must otherwise run before the process opens the database), which is
   * harmless here because no other process uses the database.
   */
  @Test
  void aServiceWritingDuringTheCheckIsPlacedPastTheHead() throws Exception {
    ReplicationOptions app = options("app");
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      Path db = create(tmp.resolve("app.db"));
      stream(repo, db, app, 0, 5);
      java.util.concurrent.atomic.AtomicBoolean stop =
          new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicInteger commits =
          new java.util.concurrent.atomic.AtomicInteger();
      Thread writer = new Thread(() -> {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
            Statement s = c.createStatement()) {
          s.execute("PRAGMA wal_autocheckpoint=0"); // the head stays provable in the WAL
          for (int i = 1000; !stop.get(); i++) {
            s.execute("INSERT INTO t(seq, v) VALUES (" + i + ", randomblob(500))");
            commits.incrementAndGet();
          }
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      writer.start();
      try {
        while (commits.get() < 10) {
          Thread.sleep(5);
        }
        for (int i = 0; i < 5; i++) {
          StartupReport r = check(repo, db, app, StartupPolicy.defaults());
          assertThat(r.outcome()).isEqualTo(Outcome.AHEAD);
          assertThat(r.transactionsAhead()).isPositive();
        }
      } finally {
        stop.set(true);
        writer.join();
      }
    }
  }

  @Test
  void theSameFileMovedOnWhileNothingReplicatedIsRefusedUnlessAccepted() throws Exception {
    ReplicationOptions app = options("app");
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      Path db = create(tmp.resolve("app.db"));
      stream(repo, db, app, 0, 10);
      insert(db, 10, 20); // the last connection closes: checkpointed, the WAL deleted
      assertThatThrownBy(() -> check(repo, db, app, StartupPolicy.defaults()))
          .isInstanceOfSatisfying(StartupRefusedException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_STATE));
      assertThat(check(repo, db, app, StartupPolicy.defaults().acceptingOlderDatabase())
          .outcome()).isEqualTo(Outcome.NEW_GENERATION);
    }
  }

  @Test
  void theBindingRefusesAnotherRepositoryOrStreamUnlessRebound() throws Exception {
    ReplicationOptions app = options("app");
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        TestRepo second = TestRepo.init(tmp.resolve("second"))) {
      Path db = create(tmp.resolve("app.db"));
      stream(repo, db, app, 0, 5);
      check(repo, db, app, StartupPolicy.defaults());
      Path binding = StreamBinding.fileFor(db);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(binding)))
          .isEqualTo("rw-------");
      StreamBinding b = StreamBinding.read(db).orElseThrow();
      assertThat(b.repositoryId()).isEqualTo(repo.repo.config().id());
      assertThat(b.streamId()).isEqualTo("app");
      assertThat(b.generation()).isNotZero();

      assertThatThrownBy(() -> check(second, db, app, StartupPolicy.defaults()))
          .isInstanceOfSatisfying(StartupRefusedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.OTHER_REPOSITORY);
            assertThat(e.getMessage()).contains("--rebind",
                StreamBinding.shortId(repo.repo.config().id()),
                StreamBinding.shortId(second.repo.config().id()));
          });
      assertThatThrownBy(() -> check(repo, db, options("renamed"), StartupPolicy.defaults()))
          .isInstanceOfSatisfying(StartupRefusedException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.OTHER_STREAM);
            assertThat(e.getMessage()).contains("bound to stream app", "--rebind");
          });
      assertThat(segments(second, "app")).isEmpty();

      StartupReport rebound = check(second, db, app, StartupPolicy.defaults().rebinding());
      assertThat(rebound.outcome()).isEqualTo(Outcome.NEW_STREAM);
      assertThat(StreamBinding.read(db).orElseThrow().repositoryId())
          .isEqualTo(second.repo.config().id());
    }
  }

  /** A service's start-up through the library's facade: check, then stream or refuse. */
  @Test
  void theLibraryFacadeChecksBeforeTheServiceStreams() throws Exception {
    ReplicationOptions app = options("app");
    Path db = create(tmp.resolve("app.db"));
    try (BulwarkRepository repo = Bulwark.repository(tmp.resolve("repo"))
        .password("pw".getBytes(java.nio.charset.StandardCharsets.UTF_8)).createIfMissing(true)
        .keyDerivation(new Kdf.Params(1024, 8, 1)).open()) {
      Database database = SqliteDatabase.at(db);
      assertThat(repo.startupCheck(database, app, StartupPolicy.defaults()).outcome())
          .isEqualTo(Outcome.NEW_STREAM);
      Path older;
      try (Replicator r = repo.replicate(database, app)) {
        older = Files.copy(db, tmp.resolve("older.db"));
        insert(db, 0, 10);
        r.awaitDurable(Duration.ofSeconds(30));
      }
      assertThat(repo.startupCheck(database, app, StartupPolicy.defaults()).outcome())
          .isEqualTo(Outcome.EQUAL);
      replace(db, older);
      assertThatThrownBy(() -> repo.startupCheck(database, app, StartupPolicy.defaults()))
          .isInstanceOfSatisfying(StartupRefusedException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.STREAM_AHEAD));
    }
  }

  @Test
  void restoreWritesTheBindingOfTheRestoredDatabase() throws Exception {
    ReplicationOptions app = options("app");
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"))) {
      Path db = create(tmp.resolve("app.db"));
      stream(repo, db, app, 0, 8);
      Path out = tmp.resolve("restored.db");
      DatabaseRestorer.Result r = new DatabaseRestorer(repo.repo, new SqliteKind(), 2,
          new Progress()).restore(ReplayTarget.newest(), db, out);
      StreamBinding b = StreamBinding.read(out).orElseThrow();
      assertThat(b.repositoryId()).isEqualTo(repo.repo.config().id());
      assertThat(b.streamId()).isEqualTo("app");
      assertThat(b.generation()).isEqualTo(r.replay().orElseThrow().reached().generation());
      // The restored database is at the head: it may stream on from there.
      assertThat(check(repo, out, app, StartupPolicy.defaults()).outcome())
          .isEqualTo(Outcome.EQUAL);
    }
  }
}
