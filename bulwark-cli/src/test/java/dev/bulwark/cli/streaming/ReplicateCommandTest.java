package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.stream.Segment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
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
  void aBadSyncIntervalIsOneLineNamingTheFlag() throws Exception {
    Cli.Result r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "soon");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).startsWith("bulwark: --sync-interval: 'soon' is not a duration");
    r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "2h");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("sync interval must be between 1 ms and 1 h");
    assertThat(ShippedStream.generations(repo).isEmpty()).isTrue();
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
    // The writer went on after the stop: its last rows are not shipped, so rows shipped are
    // a strict prefix. What the stream ends at is a state the database passed through; that
    // it equals the final state is checked where the writer stops first (the process test).
    Segment last = ShippedStream.lastSegment(repo, Cli.PASSWORD);
    assertThat(last.lastTxid()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void whenNothingWritesTheStreamEndsAtTheDatabaseAsItIs() throws Exception {
    StreamedDatabase.insert(db, 20);
    Cli.Result r = cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
    assertThat(r.stdout()).contains("stopped: everything committed is in the repository");
    StreamedDatabase.insert(db, 5);
    // A second run resumes and ships the five rows written while nothing replicated.
    cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
    assertThat(ShippedStream.lastSegment(repo, Cli.PASSWORD).after())
        .isEqualTo(ShippedStream.checkpointedChecksum(db));
  }
}
