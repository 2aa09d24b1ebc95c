package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark run} as a real process with a {@code stream:} database: it streams from start,
 * and a real SIGTERM ships what is pending before the process exits 0.
 */
@Slow
class RunStreamProcessTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path dir;
  private Process process;

  @AfterEach
  void killLeftover() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void theDaemonStreamsAndShipsWhatIsPendingOnSigterm() throws Exception {
    Cli cli = Cli.withPassword();
    Path repo = dir.resolve("repo");
    cli.inProcess().run("init", "--repo", repo.toString(), "--kdf-n", "1024").assertOk();
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db);
    Path config = Files.writeString(dir.resolve("bulwark.yml"), String.join("\n",
        "repository: " + repo,
        "password-file: " + Cli.passwordFile(dir, Cli.PASSWORD),
        "api: {enabled: false}",
        "databases:",
        "  - name: app",
        "    kind: sqlite",
        "    path: " + db,
        // Long: what is committed below can only reach the repository by the stop.
        "    stream: {sync-interval: 1h}",
        ""));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    process = Cli.withEnv(java.util.Map.of()).start(out, err, "run", "--config",
        config.toString());
    awaitLog(err, "app: streaming " + db);
    StreamedDatabase.insert(db, 150);

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(err);
    assertThat(process.exitValue()).as(log).isZero();
    assertThat(log).contains("app: stream stopped; shipped up to ").contains("stopped")
        .doesNotContain("WARN");
    ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));
    assertThat(StreamedDatabase.rows(db)).isEqualTo(250);
  }

  private void awaitLog(Path err, String text) throws Exception {
    Instant end = Instant.now().plus(DEADLINE);
    while (!Files.readString(err).contains(text)) {
      if (!process.isAlive() || Instant.now().isAfter(end)) {
        throw new AssertionError("no '" + text + "':\n" + Files.readString(err));
      }
      Thread.sleep(50);
    }
  }
}
