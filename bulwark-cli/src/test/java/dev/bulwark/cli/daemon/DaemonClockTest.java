package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon on a test clock, in-process, with a real repository and SQLite database: the clock
 * jumps hours ahead and failed backups are retried, without waiting for real time. A reload of
 * the same configuration wakes the scheduler after each move of the clock. It takes a few
 * seconds: five real SQLite backups, which is the point of it.
 */
class DaemonClockTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration EVERY = Duration.ofHours(1);
  @TempDir Path dir;
  private Path db;
  private BulwarkConfig config;
  private final TestClock clock =
      new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  @BeforeEach
  void repositoryAndDatabase() throws Exception {
    Path repo = dir.resolve("repo");
    Path passwordFile = Files.writeString(dir.resolve("pw"), "clock test password");
    try (BulwarkRepository r = Bulwark.repository(repo).passwordFile(passwordFile)
        .createIfMissing(true).keyDerivation(new Kdf.Params(1024, 8, 1)).open()) {
      // created, empty
    }
    db = dir.resolve("app/app.db");
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("create table t(x)");
      s.execute("insert into t values (1)");
    }
    config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(), passwordFile,
        List.of(), new ApiConfig(ApiConfig.DEFAULT_HOST, 0, null, false),
        List.of(new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), EVERY, null, null,
            false)));
  }

  private static DatabaseStatus awaitStatus(Daemon d, Predicate<DatabaseStatus> p)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    DatabaseStatus st = d.status().databases().get(0);
    while (!p.test(st) && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
      st = d.status().databases().get(0);
    }
    return st;
  }

  /** Moves the test clock and has the scheduler look again. */
  private Instant advance(Daemon d, Duration by) throws Exception {
    Instant now = clock.advance(by);
    d.reload();
    return now;
  }

  @Test
  void aJumpOfHoursGivesOneBackupAndFailuresAreRetriedEveryMinute() throws Exception {
    Instant t0 = clock.instant();
    try (Daemon d = Daemon.open(config, () -> config, clock, Duration.ofSeconds(5))) {
      d.start();
      DatabaseStatus st = awaitStatus(d, s -> s.history().size() == 1);
      assertThat(st.lastSuccessfulBackup()).as("no snapshot yet: due at once").isNotNull();
      assertThat(st.newestSnapshot()).isEqualTo(t0);
      assertThat(st.nextBackup()).isEqualTo(t0.plus(EVERY));

      // Five hours pass at once (a suspended machine): one backup, not one per missed hour.
      Instant t5 = advance(d, Duration.ofHours(5));
      st = awaitStatus(d, s -> s.history().size() == 2);
      assertThat(st.newestSnapshot()).isEqualTo(t5);
      assertThat(st.nextBackup()).isEqualTo(t5.plus(EVERY));
      Thread.sleep(300);
      assertThat(d.status().databases().get(0).history()).hasSize(2);
      assertThat(d.snapshots("app")).hasSize(2);

      // The database goes away: the backup fails and is tried again a minute later.
      Path aside = Files.move(db, dir.resolve("aside.db"));
      Instant t6 = advance(d, EVERY);
      st = awaitStatus(d, s -> s.history().size() == 3);
      assertThat(st.lastBackup().state()).isEqualTo(JobState.FAILED);
      assertThat(st.backupFailures()).isEqualTo(1);
      assertThat(st.nextBackup()).isEqualTo(t6.plus(DatabaseState.RETRY_AFTER));
      Instant retry = advance(d, DatabaseState.RETRY_AFTER);
      st = awaitStatus(d, s -> s.history().size() == 4);
      assertThat(st.backupFailures()).isEqualTo(2);
      assertThat(st.nextBackup()).isEqualTo(retry.plus(DatabaseState.RETRY_AFTER));

      Files.move(aside, db);
      Instant back = advance(d, DatabaseState.RETRY_AFTER);
      st = awaitStatus(d, s -> s.history().size() == 5);
      assertThat(st.lastBackup().state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(st.newestSnapshot()).isEqualTo(back);
      assertThat(st.nextBackup()).isEqualTo(back.plus(EVERY));
    }
  }
}
