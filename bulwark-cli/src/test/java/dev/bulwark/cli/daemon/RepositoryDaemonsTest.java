package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigLoader;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.testing.Eventually;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database backed up to two local repositories, each on its own schedule and retention, in
 * process with real repositories and a real SQLite database; one failing does not stop the
 * other.
 */
class RepositoryDaemonsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PASSWORD = "several repositories";
  @TempDir Path dir;
  private Path db;
  private Path config;

  @BeforeEach
  void repositoriesAndDatabase() throws Exception {
    init(dir.resolve("near"));
    init(dir.resolve("far"));
    Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
    db = dir.resolve("app/app.db");
    Files.createDirectories(db.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("create table t(x)");
      s.execute("insert into t values (1), (2), (3)");
    }
    config = Files.writeString(dir.resolve("bulwark.yml"), """
        repository: near
        password-file: pw
        api: {enabled: false}
        repositories:
          far: {location: far}
          locked-out: {location: far, password-file: wrong-pw}
        databases:
          - name: app
            kind: sqlite
            path: app/app.db
            schedule: {every: 1s}
            retention: {keep-last: 3}
            repositories:
              - default
              - name: far
                schedule: {every: 2s}
                retention: {keep-last: 1}
              - locked-out
        """);
    Files.writeString(dir.resolve("wrong-pw"), "not the password\n");
  }

  @Test
  void eachRepositoryRunsOnItsOwnAndOneFailingDoesNotStopTheOther() throws Exception {
    BulwarkConfig cfg = ConfigLoader.load(config, Map.of());
    Set<Thread> before = Threads.bulwark();
    try (RepositoryDaemons d = RepositoryDaemons.open(cfg, () -> cfg, Clock.systemUTC(),
        Duration.ofSeconds(5))) {
      d.start();
      Eventually.await("three backups to near and two to far", WAIT,
          () -> successes(d, "default") >= 4 && successes(d, "far") >= 2);

      DaemonStatus st = d.status();
      assertThat(st.repositories()).extracting(RepositoryStatus::name)
          .containsExactly("default", "far", "locked-out");
      RepositoryStatus lockedOut = st.repositories().get(2);
      assertThat(lockedOut.isUp()).isFalse();
      assertThat(lockedOut.error()).contains("none of the configured unlock files")
          .contains("wrong-pw");
      assertThat(st.repositories().get(1).databases().get(0).nextBackup())
          .as("far is on its own 2 s schedule").isNotNull();
      assertThat(st.databases()).extracting(DatabaseStatus::name).containsExactly("app");

      // "Back up now" to one repository only, then to all that are open.
      List<JobHandle> one = d.backupNow("app", "far");
      assertThat(one).hasSize(1);
      assertThat(one.get(0).await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(d.backupNow("app", null)).hasSize(2);
      assertThatThrownBy(() -> d.backupNow("app", "elsewhere"))
          .isInstanceOf(UnknownRepositoryException.class).hasMessageContaining("'elsewhere'");
      assertThatThrownBy(() -> d.backupNow("app", "locked-out"))
          .isInstanceOf(UnknownRepositoryException.class).hasMessageContaining("not open");

      // far goes away (its folder replaced by a file): its backups fail, near's go on.
      Files.move(dir.resolve("far"), dir.resolve("far-moved"));
      Files.writeString(dir.resolve("far"), "not a repository");
      Eventually.await("a failed backup to far", WAIT,
          () -> d.status().repositories().get(1).databases().get(0).backupFailures() >= 1);
      long nearBefore = successes(d, "default");
      Eventually.await("two more backups to near after far failed", WAIT,
          () -> successes(d, "default") >= nearBefore + 2);
      DatabaseStatus far = d.status().repositories().get(1).databases().get(0);
      assertThat(far.lastBackup().state()).isEqualTo(JobState.FAILED);
      assertThat(d.status().repositories().get(0).databases().get(0).backupFailures()).isZero();
    }
    Threads.assertNoneLeftBeyond(before, WAIT);

    // Each repository kept what its own retention keeps.
    assertThat(snapshots(dir.resolve("near"))).isEqualTo(3);
    Files.delete(dir.resolve("far"));
    Files.move(dir.resolve("far-moved"), dir.resolve("far"));
    assertThat(snapshots(dir.resolve("far"))).isEqualTo(1);
  }

  @Test
  void autoRestoreTakesTheFirstRepositoryThatHasASnapshot() throws Exception {
    BulwarkConfig cfg = ConfigLoader.load(Files.writeString(config, Files.readString(config)
        .replace("schedule: {every: 1s}", "auto-restore: true")
        .replace("schedule: {every: 2s}", "schedule: {every: 1d}")), Map.of());
    // Only far has a snapshot: near is empty.
    try (RepositoryDaemons d = RepositoryDaemons.open(cfg, () -> cfg, Clock.systemUTC(),
        Duration.ofSeconds(5))) {
      assertThat(d.backupNow("app", "far").get(0).await(WAIT).state())
          .isEqualTo(JobState.SUCCEEDED);
    }
    Files.delete(db);
    try (RepositoryDaemons d = RepositoryDaemons.open(cfg, () -> cfg, Clock.systemUTC(),
        Duration.ofSeconds(5))) {
      d.start();
      assertThat(db).exists();
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement s = c.createStatement();
          var rs = s.executeQuery("select count(*) from t")) {
        assertThat(rs.getInt(1)).isEqualTo(3);
      }
    }
    assertThat(snapshots(dir.resolve("near"))).as("near has no schedule here").isZero();
  }

  @Test
  void aRepositoryMissingAtStartIsOpenedWhenItAppearsAndItsScheduleBegins() throws Exception {
    Path far = dir.resolve("far");
    Files.move(far, dir.resolve("far-later"));
    BulwarkConfig cfg = ConfigLoader.load(Files.writeString(config, Files.readString(config)
        .replace("      - locked-out\n", "")), Map.of());
    try (RepositoryDaemons d = RepositoryDaemons.open(cfg, () -> cfg, Clock.systemUTC(),
        Duration.ofSeconds(5))) {
      d.reopenAfter(Duration.ofMillis(100));
      assertThat(d.status().repositories().get(1).isUp()).isFalse();
      assertThat(d.status().repositories().get(1).error()).contains(far.toString());
      d.start();
      Eventually.await("a backup to near", WAIT, () -> successes(d, "default") >= 1);
      Files.move(dir.resolve("far-later"), far);
      Eventually.await("far open and backed up", WAIT, () -> successes(d, "far") >= 1);
      assertThat(d.status().repositories().get(1).isUp()).isTrue();
    }
    assertThat(snapshots(far)).isEqualTo(1);
  }

  @Test
  void aReloadGivesEachRepositoryItsNewSchedule() throws Exception {
    String text = Files.readString(config).replace("      - locked-out\n", "")
        .replace("schedule: {every: 1s}", "schedule: {every: 1d}")
        .replace("schedule: {every: 2s}", "schedule: {every: 1d}");
    Files.writeString(config, text);
    ConfigSource fromFile = () -> ConfigLoader.load(config, Map.of());
    try (RepositoryDaemons d = RepositoryDaemons.open(fromFile.load(), fromFile,
        Clock.systemUTC(), Duration.ofSeconds(5))) {
      d.start();
      Eventually.await("the first backup to each", WAIT,
          () -> successes(d, "default") == 1 && successes(d, "far") == 1);
      // far alone goes to every second; near stays daily.
      Files.writeString(config, text.replace("        schedule: {every: 1d}\n"
          + "        retention: {keep-last: 1}", "        schedule: {every: 1s}\n"
          + "        retention: {keep-last: 1}"));
      d.reload();
      Eventually.await("two more backups to far", WAIT, () -> successes(d, "far") >= 3);
      assertThat(successes(d, "default")).isEqualTo(1);
    }
  }

  private static long successes(DaemonControl d, String repository) {
    return d.status().repositories().stream().filter(r -> r.name().equals(repository))
        .flatMap(r -> r.databases().stream()).flatMap(s -> s.history().stream())
        .filter(j -> j.state() == JobState.SUCCEEDED).count();
  }

  private static void init(Path repo) throws Exception {
    Repository.init(LocalBackend.open(repo), PASSWORD.getBytes(StandardCharsets.UTF_8),
        new Kdf.Params(1024, 8, 1)).close();
  }

  private static int snapshots(Path repo) throws Exception {
    try (Repository r = Repository.open(LocalBackend.open(repo),
        PASSWORD.getBytes(StandardCharsets.UTF_8))) {
      return r.snapshots().size();
    }
  }
}
