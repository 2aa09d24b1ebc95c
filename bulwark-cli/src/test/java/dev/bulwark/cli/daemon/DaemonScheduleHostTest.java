package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Host;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schedule is planned from this host's snapshots only, and a snapshot dated in the future
 * neither defers it nor goes unreported. In-process, on a real repository and SQLite database.
 */
@Slow
class DaemonScheduleHostTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration EVERY = Duration.ofHours(1);
  private static final ConfigSource NO_RELOAD = () -> {
    throw new ConfigException("reload is not part of these tests");
  };
  @TempDir Path dir;
  private Path repo;
  private Path db;
  private Path passwordFile;

  @BeforeEach
  void repositoryAndDatabase() throws Exception {
    repo = dir.resolve("repo");
    passwordFile = Files.writeString(dir.resolve("pw"), "schedule test password");
    db = dir.resolve("app/app.db");
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("create table t(x)");
      s.execute("insert into t values (1), (2), (3)");
    }
    backupAs("setup", Clock.systemUTC()); // creates the repository
  }

  /** A backup of the database written as {@code host} at {@code clock}'s time. */
  private Snapshot backupAs(String host, Clock clock) throws Exception {
    try (BulwarkRepository r = Bulwark.repository(repo).passwordFile(passwordFile)
        .createIfMissing(true).keyDerivation(new Kdf.Params(1024, 8, 1))
        .backupOptions(BackupOptions.defaults().withHostname(host).withClock(clock)).open()) {
      return r.backup(SqliteDatabase.at(db));
    }
  }

  private Daemon daemon() throws Exception {
    return daemon(false);
  }

  private Daemon daemon(boolean autoRestore) throws Exception {
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(),
        passwordFile, List.of(), new ApiConfig(ApiConfig.DEFAULT_HOST, 0, null, false),
        List.of(new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), EVERY, null, null,
            autoRestore)));
    return Daemon.open(config, NO_RELOAD, Clock.systemUTC(), Duration.ofSeconds(5));
  }

  private static DatabaseStatus awaitStatus(Daemon d, Predicate<DatabaseStatus> p)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    DatabaseStatus st = d.status().databases().get(0);
    while (!p.test(st) && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      st = d.status().databases().get(0);
    }
    return st;
  }

  @Test
  void anotherHostsSnapshotOfTheSamePathDoesNotDeferThisHostsBackup() throws Exception {
    Snapshot other = backupAs("another-host", Clock.systemUTC());
    try (Daemon d = daemon()) {
      d.start();
      DatabaseStatus st = awaitStatus(d, s -> s.lastSuccessfulBackup() != null);
      assertThat(st.lastSuccessfulBackup())
          .as("this host has no snapshot of the database, so its backup is due at once, "
              + "whatever another host did at %s", other.time()).isNotNull();
      List<Snapshot> mine = d.snapshots("app");
      assertThat(mine).extracting(Snapshot::hostname).containsOnly(Host.name());
      assertThat(mine).hasSize(1);
      assertThat(st.nextBackup()).isEqualTo(mine.get(0).time().plus(EVERY));
    }
  }

  @Test
  void aSnapshotDatedInTheFutureIsIgnoredForPlanningAndCounted() throws Exception {
    Instant future = Instant.now().plus(Duration.ofDays(5 * 365));
    Snapshot wrongClock = backupAs(Host.name(), Clock.fixed(future, ZoneOffset.UTC));
    assertThat(wrongClock.time()).isEqualTo(future);
    try (Daemon d = daemon()) {
      d.start();
      DatabaseStatus st = awaitStatus(d, s -> s.lastSuccessfulBackup() != null);
      assertThat(st.lastSuccessfulBackup()).as("the backup ran now, not in 5 years").isNotNull();
      assertThat(st.futureSnapshots()).isEqualTo(1);
      assertThat(st.newestSnapshot()).isBefore(Instant.now().plusSeconds(1));
      assertThat(st.nextBackup()).isBefore(Instant.now().plus(EVERY).plusSeconds(1));
    }
  }

  @Test
  void afterARestartTheNewestSnapshotIsKnownBeforeAnyBackup() throws Exception {
    Snapshot last = backupAs(Host.name(), Clock.systemUTC());
    try (Daemon d = daemon()) {
      d.start();
      DatabaseStatus st = awaitStatus(d, s -> s.newestSnapshot() != null);
      assertThat(st.newestSnapshot()).isEqualTo(last.time());
      assertThat(st.nextBackup()).isEqualTo(last.time().plus(EVERY));
      assertThat(st.lastSuccessfulBackup()).as("no backup is due yet").isNull();
      assertThat(st.futureSnapshots()).isZero();
    }
  }

  private long rows() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("select count(*) from t")) {
      return rs.getLong(1);
    }
  }

  /**
   * Two hosts back up a database at the same path into one repository; the other host's
   * snapshot is newer. This host's auto-restore brings back this host's database.
   */
  @Test
  void autoRestoreBringsBackThisHostsDatabaseNotAnotherHostsNewerOne() throws Exception {
    backupAs(Host.name(), Clock.systemUTC()); // 3 rows
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("insert into t values (4), (5)");
    }
    backupAs("another-host", Clock.offset(Clock.systemUTC(), Duration.ofSeconds(1))); // 5 rows
    Files.delete(db);
    try (Daemon d = daemon(true)) {
      d.start();
      awaitStatus(d, s -> Files.exists(db) && s.current() == null);
      assertThat(db).exists();
      assertThat(rows()).as("this host's database, not another-host's").isEqualTo(3);
    }
  }
}
