package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.core.WrongPasswordException;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon in-process, on a real repository and a real SQLite database. */
class DaemonTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PASSWORD = "daemon test password";
  @TempDir Path dir;
  private Path repo;
  private Path db;
  private Path passwordFile;

  @BeforeEach
  void repositoryAndDatabase() throws Exception {
    repo = dir.resolve("repo");
    try (Repository r = Repository.init(LocalBackend.open(repo),
        PASSWORD.getBytes(StandardCharsets.UTF_8), new Kdf.Params(1024, 8, 1))) {
      assertThat(r.snapshots()).isEmpty();
    }
    passwordFile = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
    db = dir.resolve("app/app.db");
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("create table t(x)");
      s.execute("insert into t values (1), (2), (3)");
    }
  }

  private static final ConfigSource NO_RELOAD = () -> {
    throw new ConfigException("reload is not part of these tests");
  };

  private BulwarkConfig config(Path password, List<Path> keyFiles) {
    return new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(), password, keyFiles,
        new ApiConfig(ApiConfig.DEFAULT_HOST, 0, null, false),
        List.of(new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(),
            Duration.ofHours(1), null, null, false)));
  }

  @Test
  void backupNowTwiceMakesOneBackupAndStopLeavesNoThread() throws Exception {
    Set<Thread> before = Threads.bulwark();
    try (Daemon d = Daemon.open(config(passwordFile, List.of()), NO_RELOAD, Clock.systemUTC(),
        Duration.ofSeconds(5))) {
      // Not started: no schedule runs, so every backup here is one we asked for.
      JobHandle first = d.backupNow("app");
      JobHandle second = d.backupNow("app");
      assertThat(second.status().id()).isEqualTo(first.status().id());
      assertThat(second.status().state()).isIn(JobState.QUEUED, JobState.RUNNING);

      JobStatus done = first.await(WAIT);
      assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(JobState.SUCCEEDED);
      assertThat(done.snapshotId()).hasSize(64);
      assertThat(done.bytesAdded()).isPositive();
      List<Snapshot> snaps = d.snapshots("app");
      assertThat(snaps).extracting(s -> s.id().toString()).containsExactly(done.snapshotId());
      assertThat(d.snapshots(null)).hasSize(1);

      DatabaseStatus st = d.status().databases().get(0);
      assertThat(st.name()).isEqualTo("app");
      assertThat(st.lastSuccessfulBackup().id()).isEqualTo(done.id());
      assertThat(st.history()).extracting(JobStatus::id).containsExactly(done.id());
      assertThat(st.backupFailures()).isZero();
      assertThat(st.current()).isNull();
      // The schedule counts from the snapshot just made, not from now.
      assertThat(st.nextBackup()).isEqualTo(snaps.get(0).time().plus(Duration.ofHours(1)));
      assertThat(d.status().snapshotCount()).isEqualTo(1);
      assertThat(d.status().repositoryBytes()).isPositive();

      JobStatus verified = d.verifyNow("app").await(WAIT);
      assertThat(verified.state()).as(String.valueOf(verified.error()))
          .isEqualTo(JobState.SUCCEEDED);
      assertThat(verified.snapshotId()).isEqualTo(done.snapshotId());
      assertThat(d.status().databases().get(0).lastVerify().id()).isEqualTo(verified.id());
      try (Stream<Path> s = Files.list(db.getParent())) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .as("the verification's temporary folder is gone").containsExactly("app.db");
      }

      assertThatThrownBy(() -> d.backupNow("nope")).isInstanceOf(UnknownDatabaseException.class)
          .hasMessageContaining("'nope'");
      assertThatThrownBy(() -> d.snapshots("nope"))
          .isInstanceOf(UnknownDatabaseException.class);
    }
    Threads.assertNoneLeftBeyond(before, WAIT);
  }

  @Test
  void theFirstUnlockFileThatOpensTheRepositoryIsUsed() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong"), "not it");
    try (Daemon d = Daemon.open(config(wrong, List.of(passwordFile)), NO_RELOAD,
        Clock.systemUTC(), Duration.ZERO)) {
      assertThat(d.snapshots(null)).isEmpty();
    }
    Path alsoWrong = Files.writeString(dir.resolve("also-wrong"), "nor this");
    assertThatThrownBy(() -> Daemon.open(config(wrong, List.of(alsoWrong)), NO_RELOAD,
        Clock.systemUTC(), Duration.ZERO))
        .isInstanceOf(WrongPasswordException.class)
        .hasMessageContaining("none of the configured unlock files")
        .hasMessageContaining(wrong.toString()).hasMessageContaining(alsoWrong.toString());
  }

  @Test
  void aVerificationWithoutSnapshotFailsSayingSo() throws Exception {
    try (Daemon d = Daemon.open(config(passwordFile, List.of()), NO_RELOAD, Clock.systemUTC(),
        Duration.ZERO)) {
      JobStatus st = d.verifyNow("app").await(WAIT);
      assertThat(st.state()).isEqualTo(JobState.FAILED);
      assertThat(st.error()).contains("no snapshot of " + db);
      assertThat(d.status().databases().get(0).verifyFailures()).isEqualTo(1);
    }
  }
}
