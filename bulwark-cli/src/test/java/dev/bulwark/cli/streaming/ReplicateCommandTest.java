package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark replicate} in this JVM ({@code Main.run}): its mistakes, and a run that
 * streams a database a real writer changes, stops, and leaves every committed transaction in
 * the repository.
 */
class ReplicateCommandTest {
  @TempDir Path dir;
  private final Cli cli = Cli.withPassword().inProcess();
  private Path repo;
  private Path db;

  @BeforeEach
  void repositoryAndDatabase() throws Exception {
    repo = dir.resolve("repo");
    cli.run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    db = dir.resolve("app/app.db");
    Files.createDirectories(db.getParent());
    StreamedDatabase.create(db);
  }

  @Test
  void withoutADatabaseItIsAUsageError() {
    Cli.Result r = cli.run("replicate", "--repo", repo.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("--sqlite");
  }

  @Test
  void aBadSyncIntervalStreamIdOrCeilingIsOneLine() throws Exception {
    Cli.Result r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "soon");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).startsWith("bulwark: --sync-interval: 'soon' is not a duration");
    r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "2h");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("sync interval must be between 1 ms and 1 h");
    r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--stream-id", "App DB");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).startsWith("bulwark: --stream-id: 'App DB' is not a stream id");
    r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--max-requests-per-hour", "-1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("negative request ceiling: -1");
    assertThat(ShippedStream.generations(repo).isEmpty()).isTrue();
  }

  @Test
  void aDatabaseNotInWalModeOrMissingIsRefusedWithOneLine() throws Exception {
    Path journal = dir.resolve("journal.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + journal);
        Statement s = c.createStatement()) {
      s.execute("create table t(x)");
    }
    Cli.Result r = cli.run("replicate", "--repo", repo.toString(), "--sqlite",
        journal.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("bulwark: " + journal + " is in delete journal mode; "
        + "continuous capture needs WAL mode");
    r = cli.run("replicate", "--repo", repo.toString(), "--sqlite",
        dir.resolve("missing.db").toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains("missing.db does not exist");
    assertThat(ShippedStream.generations(repo)).isEmpty();
  }

  @Test
  void streamsWhileAWriterCommitsAndOnStopEverythingCommittedIsShipped() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong committed = new AtomicLong();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement()) {
        while (writing.get()) {
          s.execute("insert into t(x) values (randomblob(300))");
          committed.incrementAndGet();
          Thread.sleep(5);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // Stops on its own after 3 s, as on SIGTERM; the writer goes on until after that.
    CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> cli.run(
        "replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "200ms", "--stop-after", "3s"));
    Cli.Result r = run.get();
    writing.set(false);
    writer.get();

    r.assertOk();
    assertThat(r.stdout()).containsPattern("replicating " + db + ": generation [0-9a-f]{16}, "
        + "position \\d+, every 200ms; stop with SIGTERM or Ctrl-C");
    assertThat(r.stdout()).containsPattern("stopped: everything committed is in the "
        + "repository, up to generation [0-9a-f]{16}, position \\d+");
    assertThat(committed.get()).isGreaterThan(50);
    assertThat(ShippedStream.newestSegments(repo, Cli.PASSWORD)).isNotEmpty();
    // The writer went on after the stop: the stream holds a state the database passed
    // through, the writer's rows up to some point, each exactly.
    Path rebuilt = ShippedStream.replayed(repo, Cli.PASSWORD, dir.resolve("check"));
    assertThat(ShippedStream.integrity(rebuilt)).isEqualTo("ok");
    List<String> shipped = ShippedStream.rows(rebuilt);
    List<String> live = ShippedStream.rows(db);
    assertThat(shipped.size()).isGreaterThan(100 + 10);
    assertThat(live.subList(0, shipped.size())).isEqualTo(shipped);
  }

  @Test
  void aSecondRunResumesTheGenerationAndShipsWhatWasCommittedInBetween() throws Exception {
    // The service keeps its database open, so its WAL stays between the runs (the last
    // connection to close would checkpoint it away, and the replicator would rightly start a
    // new generation).
    try (Connection service = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement read = service.createStatement()) {
      // A connection holds the WAL open only once it has read.
      read.executeQuery("select count(*) from t").close();
      StreamedDatabase.insert(db, 20);
      Cli.Result r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
          "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
      assertThat(r.stdout()).contains("stopped: everything committed is in the repository");
      StreamedDatabase.insert(db, 5);
      r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
          "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
      assertThat(ShippedStream.generations(repo)).as("resumed, not restarted: " + r)
          .hasSize(1);
      assertThat(r.stdout()).containsPattern("replicating .*: generation [0-9a-f]{16}, "
          + "position [1-9]\\d*");
      assertThat(service.isClosed()).isFalse();
    }
    ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));
  }

  /**
   * Every connection closed while nothing replicates: the last one checkpoints the WAL into the
   * database and deletes it. The next run must notice (the database changed under a WAL it
   * never saw): the start-up check cannot place it in the stream and refuses, shipping nothing;
   * accepted on purpose, a new generation starts, and the stream ends at the database's state.
   */
  @Test
  void transactionsCheckpointedWhileNothingReplicatesAreNotLost() throws Exception {
    cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
    StreamedDatabase.insert(db, 5); // the last connection: checkpointed, the WAL deleted
    int segments = ShippedStream.segmentCount(repo);
    Cli.Result refused = cli.run("replicate", "--repo", repo.toString(), "--sqlite",
        db.toString(), "--sync-interval", "100ms", "--stop-after", "1s");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr()).contains("matches no state of stream",
        "--accept-older-database");
    assertThat(ShippedStream.segmentCount(repo)).isEqualTo(segments);
    cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s", "--accept-older-database")
        .assertOk();
    StreamedDatabase.insert(db, 5);
    cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s", "--accept-older-database")
        .assertOk();
    ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));
  }

  /**
   * The database replaced by an older copy: the stream is ahead of it. {@code replicate}
   * refuses with one line naming both positions (exit 1) and ships nothing; a database bound to
   * another repository is refused until {@code --rebind}.
   */
  @Test
  void anOlderCopyOrAnotherRepositoryIsRefusedBeforeAnythingIsShipped() throws Exception {
    cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
    Path older = Files.copy(db, dir.resolve("older.db"));
    try (java.sql.Connection service = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.Statement read = service.createStatement()) {
      read.executeQuery("select count(*) from t").close(); // keeps the WAL between the runs
      StreamedDatabase.insert(db, 5);
      Cli.Result r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
          "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
      assertThat(r.stdout()).contains("start-up check:", "past the head of its stream");
    }
    int segments = ShippedStream.segmentCount(repo);
    Files.deleteIfExists(dir.resolve("app/app.db-wal"));
    Files.deleteIfExists(dir.resolve("app/app.db-shm"));
    Files.copy(older, db, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Cli.Result refused = cli.run("replicate", "--repo", repo.toString(), "--sqlite",
        db.toString(), "--sync-interval", "100ms", "--stop-after", "1s");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr().strip()).doesNotContain("\n").containsPattern(
        "refusing to stream .*app.db is at generation [0-9a-f]{16} transaction \\d+ .*an "
            + "earlier state of stream .*whose head is generation [0-9a-f]{16} transaction \\d+")
        .contains("bulwark restore latest --db", "--accept-older-database");
    assertThat(ShippedStream.segmentCount(repo)).isEqualTo(segments);

    Path second = dir.resolve("second");
    cli.run("init", "--repo", second.toString(), "--kdf-n", "1024").assertOk();
    Cli.Result other = cli.run("replicate", "--repo", second.toString(), "--sqlite",
        db.toString(), "--sync-interval", "100ms", "--stop-after", "1s");
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.stderr()).contains("it is bound to repository", "--rebind");
    assertThat(ShippedStream.segmentCount(second)).isZero();
    cli.run("replicate", "--repo", second.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s", "--rebind").assertOk();
    // Now bound to the second repository: it starts there without --rebind, not in the first.
    cli.run("replicate", "--repo", second.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
    assertThat(cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s").stderr())
        .contains("it is bound to repository");
  }
}
