package dev.bulwark.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.http.ApiServer;
import dev.bulwark.cli.testing.PrometheusText;
import dev.bulwark.core.FileType;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backend.Handle;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Host;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's test 5, second half: a restarted daemon (in-process, on a test clock, with a real
 * repository, SQLite database and HTTP API) shows the history, the last success and the last
 * verification at once, in its status and its gauges, and a verification that fell due while
 * it was down runs at start, not a full interval later. A damaged or foreign record is ignored.
 */
class DaemonMemoryTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration EVERY = Duration.ofHours(1);
  private static final Duration VERIFY_EVERY = Duration.ofDays(1);
  private static final String TOKEN = "daemon-memory-test-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path repo;
  private Path db;
  private BulwarkConfig config;
  private final TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  @BeforeEach
  void repositoryAndDatabase() throws Exception {
    repo = dir.resolve("repo");
    Path passwordFile = Files.writeString(dir.resolve("pw"), "memory test password");
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
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
        List.of(), new ApiConfig("127.0.0.1", 0, tokenFile, true),
        List.of(new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), EVERY, null,
            VERIFY_EVERY, false)));
  }

  @Test
  void aRestartedDaemonShowsItsHistoryAtOnceAndRunsAVerificationDueWhileItWasDown()
      throws Exception {
    Instant verified;
    List<String> historyBefore;
    JobStatus lastSuccessBefore;
    try (Daemon d = Daemon.open(config, () -> config, clock, Duration.ofSeconds(5))) {
      d.start();
      awaitStatus(d, s -> s.history().size() == 1);
      // A day later: the hourly backup and the daily verification both run.
      clock.advance(VERIFY_EVERY);
      d.reload();
      DatabaseStatus st = awaitStatus(d, s -> s.history().size() == 2 && s.lastVerify() != null);
      assertThat(st.lastVerify().state()).isEqualTo(JobState.SUCCEEDED);
      verified = st.lastVerify().started().plus(st.lastVerify().duration());
      historyBefore = st.history().stream().map(JobStatus::snapshotId).toList();
      lastSuccessBefore = st.lastSuccessfulBackup();
      awaitRecordWithVerify();
    }

    // Down for a day and an hour: the next verification fell due while it was down. The
    // daemon comes back without a backup schedule, so that no backup of its own changes the
    // history before it is looked at.
    clock.advance(VERIFY_EVERY.plus(EVERY));
    Instant restarted = clock.instant();
    DatabaseConfig before = config.databases().get(0);
    BulwarkConfig unscheduled = new BulwarkConfig(config.file(), config.repository(),
        config.passwordFile(), config.keyFiles(), config.api(), List.of(new DatabaseConfig(
            before.name(), before.kind(), before.path(), before.files(), null, null,
            VERIFY_EVERY, false)));
    try (Daemon d = Daemon.open(unscheduled, () -> unscheduled, clock, Duration.ofSeconds(5));
        ApiServer api = new ApiServer(config.api(), d)) {
      api.start();
      d.start();
      // At once: before any job of this daemon ended.
      JsonNode status = rpcStatus(api);
      JsonNode app = status.path("databases").get(0);
      assertThat(app.path("history").findValuesAsText("snapshot_id"))
          .containsExactlyElementsOf(historyBefore);
      assertThat(app.path("last_successful_backup").path("snapshot_id").asText())
          .isEqualTo(lastSuccessBefore.snapshotId());
      // The one from before, or already the one due now.
      assertThat(app.path("last_verify").path("state").asText()).isEqualTo("succeeded");
      Map<String, PrometheusText.Family> m = PrometheusText.parse(get(api, "/metrics"));
      assertThat(sample(m, "bulwark_backup_last_success_timestamp_seconds"))
          .isEqualTo(seconds(lastSuccessBefore.started().plus(lastSuccessBefore.duration())));
      assertThat(sample(m, "bulwark_verify_last_success_timestamp_seconds"))
          .isGreaterThanOrEqualTo(seconds(verified));

      // The verification due a day after the last one runs now, with the clock standing still.
      DatabaseStatus st = awaitStatus(d, s -> s.lastVerify() != null
          && !s.lastVerify().started().isBefore(restarted));
      assertThat(st.lastVerify().state()).isEqualTo(JobState.SUCCEEDED);
      assertThat(st.nextVerify()).isEqualTo(restarted.plus(VERIFY_EVERY));
    }
  }

  @Test
  void aDamagedOrForeignRecordIsIgnoredAndTheDaemonStarts() throws Exception {
    try (Daemon d = Daemon.open(config, () -> config, clock, Duration.ofSeconds(5))) {
      d.start();
      awaitStatus(d, s -> s.history().size() == 1);
    }
    DatabaseConfig app = config.databases().get(0);
    String name;
    try (Repository r = RepositoryUnlock.open(config)) {
      DaemonMemory mine = new DaemonMemory(r, Host.name(), clock);
      name = mine.path(app);
      assertThat(mine.recall(app)).hasValueSatisfying(rec -> assertThat(rec.history()).hasSize(1));
      // Each host has its own record of the same database.
      DaemonMemory other = new DaemonMemory(r, "other-host", clock);
      assertThat(other.path(app)).isNotEqualTo(name);
      assertThat(other.recall(app)).isEmpty();
      // Another host's record put where ours belongs is not taken for ours.
      r.saveStateFile(name, other.recordOf(new DatabaseState(app)).toJson());
      assertThat(mine.recall(app)).isEmpty();
    }
    // Damaged: one byte flipped, so it fails authentication.
    Path file = repo.resolve(FileType.STATE.folder()).resolve(name);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    try (LocalBackend b = LocalBackend.open(repo)) {
      assertThat(b.stat(new Handle(FileType.STATE, name))).contains((long) bytes.length);
    }
    try (Daemon d = Daemon.open(config, () -> config, clock, Duration.ofSeconds(5))) {
      d.start();
      DatabaseStatus st = d.status().databases().get(0);
      assertThat(st.history()).isEmpty();
      assertThat(st.lastVerify()).isNull();
      // The snapshot is still found: the schedule and the gauges' fallback come from it.
      assertThat(awaitStatus(d, s -> s.newestSnapshot() != null).newestSnapshot()).isNotNull();
    }
  }

  private void awaitRecordWithVerify() throws Exception {
    Instant deadline = Instant.now().plus(WAIT);
    try (Repository r = RepositoryUnlock.open(config)) {
      DaemonMemory m = new DaemonMemory(r, Host.name(), clock);
      while (Instant.now().isBefore(deadline)) {
        var rec = m.recall(config.databases().get(0));
        if (rec.isPresent() && rec.get().lastVerify() != null) {
          return;
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("no record with the verification was saved");
  }

  private static DatabaseStatus awaitStatus(Daemon d, Predicate<DatabaseStatus> p)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(WAIT);
    DatabaseStatus st = d.status().databases().get(0);
    while (!p.test(st) && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
      st = d.status().databases().get(0);
    }
    assertThat(p.test(st)).as("status reached: %s", st).isTrue();
    return st;
  }

  private static double seconds(Instant t) {
    return t.getEpochSecond() + t.getNano() / 1e9;
  }

  private static double sample(Map<String, PrometheusText.Family> m, String family) {
    PrometheusText.Family f = m.get(family);
    assertThat(f).as(family).isNotNull();
    return f.samples().stream().filter(s -> "app".equals(s.labels().get("database")))
        .findFirst().orElseThrow(() -> new AssertionError("no sample of " + family)).value();
  }

  private static JsonNode rpcStatus(ApiServer api) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + api.port() + "/rpc"))
        .header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("result");
  }

  private static String get(ApiServer api, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + api.port() + path))
        .header("Authorization", "Bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }
}
