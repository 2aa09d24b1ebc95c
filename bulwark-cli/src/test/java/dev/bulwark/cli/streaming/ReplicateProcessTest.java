package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark replicate} as a real process stopped by a real SIGTERM: it ships what is
 * pending and exits 0, and the stream then ends exactly at the database's state.
 */
@Slow
class ReplicateProcessTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Process process;

  @AfterEach
  void killLeftover() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermShipsWhatIsPendingAndExitsZero() throws Exception {
    Cli cli = Cli.withPassword();
    Path repo = dir.resolve("repo");
    cli.inProcess().run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    // A long interval: what the writer commits below is still pending when SIGTERM comes, so
    // only the shipping on stop can put it in the repository.
    process = cli.start(out, err, "replicate", "--repo", repo.toString(), "--sqlite",
        db.toString(), "--sync-interval", "1h");
    awaitOutput(out, "replicating " + db);
    StreamedDatabase.insert(db, 200);

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(err)).isZero();
    assertThat(Files.readString(out)).contains("stopped: everything committed is in the "
        + "repository");
    // Its log says why the generation started, and nothing went wrong.
    assertThat(Files.readString(err)).contains("starting generation")
        .doesNotContain("WARN").doesNotContain("ERROR");
    ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));
    assertThat(StreamedDatabase.rows(db)).isEqualTo(300);
  }

  /**
   * Issue 12's start-up rules with real processes: a transaction committed by another process
   * and left in the WAL past the head is shipped at start; an older copy put in place is
   * refused with one line (exit 1; {@code --verbose} adds the trace) and nothing is shipped.
   */
  @Test
  void aStartShipsTheTransactionPastTheHeadAndRefusesAnOlderCopy() throws Exception {
    Cli cli = Cli.withPassword();
    Path repo = dir.resolve("repo");
    cli.inProcess().run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db);
    StreamedDatabase.insert(db, 3);
    cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
    Path older = Files.copy(db, dir.resolve("older.db"));
    StreamedDatabase.insert(db, 4);
    cli.run("replicate", "--repo", repo.toString(), "--sqlite", db.toString(),
        "--sync-interval", "100ms", "--stop-after", "1s", "--accept-older-database")
        .assertOk();

    // A service that committed and stopped before anything shipped it: one transaction in the
    // WAL past the head (sqlite3 leaves its WAL in place).
    Process sqlite3 = new ProcessBuilder(Tools.require("sqlite3").toString(), db.toString(),
        ".dbconfig no_ckpt_on_close on", "INSERT INTO t(x) VALUES ('past the head')")
        .redirectErrorStream(true).start();
    assertThat(sqlite3.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(sqlite3.exitValue()).isZero();
    Cli.Result ahead = cli.run("replicate", "--repo", repo.toString(), "--sqlite",
        db.toString(), "--sync-interval", "100ms", "--stop-after", "1s").assertOk();
    assertThat(ahead.stdout()).contains("1 committed transaction past the head");
    ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));

    int segments = ShippedStream.segmentCount(repo);
    Files.delete(db);
    Files.copy(older, db);
    Cli.Result refused = cli.run("replicate", "--repo", repo.toString(), "--sqlite",
        db.toString(), "--sync-interval", "100ms", "--stop-after", "1s");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr().lines().filter(l -> l.startsWith("bulwark:")).toList())
        .singleElement().asString().startsWith("bulwark: refusing to stream")
        .contains("an earlier state", "--accept-older-database");
    Cli.Result verbose = cli.run("replicate", "--repo", repo.toString(), "--sqlite",
        db.toString(), "--verbose", "--stop-after", "1s");
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.stderr()).contains("StartupRefusedException", "\tat ");
    assertThat(ShippedStream.segmentCount(repo)).as("nothing shipped").isEqualTo(segments);
  }

  private void awaitOutput(Path file, String text) throws Exception {
    Instant end = Instant.now().plus(DEADLINE);
    while (!Files.readString(file).contains(text)) {
      if (!process.isAlive()) {
        throw new AssertionError("replicate exited " + process.exitValue() + ": "
            + Files.readString(dir.resolve("err.txt")));
      }
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("no '" + text + "' within " + DEADLINE);
      }
      Thread.sleep(50);
    }
  }
}
