package dev.bulwark.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.config.HealthConfig;
import dev.bulwark.cli.daemon.Daemon;
import dev.bulwark.cli.daemon.JobState;
import dev.bulwark.cli.daemon.JobStatus;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.TestFiles;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /healthz} over the real daemon, a real repository and real SQLite databases: 200
 * while every database's newest snapshot is younger than the allowed age and its last
 * verification passed; 503 naming the database otherwise. The API's clock is a test clock, so
 * "three hours later" takes no time; the daemon's jobs run on the real one.
 */
class HealthzTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ConfigSource NO_RELOAD = () -> {
    throw new ConfigException("reload is not part of these tests");
  };

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void staleSnapshotsAndFailedVerificationsMakeItUnhealthyNamingTheDatabase() throws Exception {
    Path repo = dir.resolve("repo");
    Path pw = Cli.passwordFile(dir, Cli.PASSWORD);
    Repository.init(LocalBackend.open(repo), Cli.PASSWORD.getBytes(StandardCharsets.UTF_8),
        new Kdf.Params(1024, 8, 1)).close();
    Path ledger = dir.resolve("ledger.db");
    Path wallet = dir.resolve("wallet.db");
    ApiFixture.createDatabase(ledger, 300);
    ApiFixture.createDatabase(wallet, 300);
    Path token = Files.writeString(dir.resolve("token"), "health-test-token\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    ApiConfig api = new ApiConfig("127.0.0.1", 0, token, true, HealthConfig.DEFAULTS);
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(), pw,
        List.of(), api, List.of(
            new DatabaseConfig("ledger", DatabaseType.SQLITE, ledger, List.of(),
                Duration.ofHours(1), null, null, false),
            new DatabaseConfig("wallet", DatabaseType.SQLITE, wallet, List.of(),
                Duration.ofHours(6), null, null, false)));
    TestClock clock = new TestClock(Instant.now());
    // Not started: no schedule runs, so the only backups are the ones asked for here.
    try (Daemon daemon = Daemon.open(config, NO_RELOAD, Clock.systemUTC(), Duration.ofSeconds(5));
        ApiServer server = new ApiServer(api, daemon, clock)) {
      server.start();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/healthz");

      // Just started, nothing backed up yet: within the allowed age of the first backup.
      assertThat(get(uri).statusCode()).isEqualTo(200);

      for (String db : List.of("ledger", "wallet")) {
        JobStatus done = daemon.backupNow(db).await(WAIT);
        assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(JobState.SUCCEEDED);
      }
      clock.set(Instant.now());
      HttpResponse<String> healthy = get(uri);
      assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(200);
      JsonNode ok = ApiFixture.JSON.readTree(healthy.body());
      assertThat(ok.path("status").asText()).isEqualTo("ok");
      assertThat(ok.has("problems")).isFalse();

      // Three hours on: ledger (every 1h, allowed 2h) is stale; wallet (every 6h) is not.
      clock.advance(Duration.ofHours(3));
      HttpResponse<String> stale = get(uri);
      assertThat(stale.statusCode()).isEqualTo(503);
      JsonNode s = ApiFixture.JSON.readTree(stale.body());
      assertThat(s.path("status").asText()).isEqualTo("unhealthy");
      assertThat(s.path("problems")).hasSize(1);
      JsonNode p = s.path("problems").get(0);
      assertThat(p.path("database").asText()).isEqualTo("ledger");
      assertThat(p.path("repository").asText()).isEqualTo("default");
      assertThat(p.path("reason").asText()).isEqualTo("stale");
      assertThat(p.path("detail").asText()).contains("ledger", "3h 0m old", "allowed 2h 0m",
          "2x its schedule of 1h");

      // A fresh backup of ledger makes it healthy again.
      assertThat(daemon.backupNow("ledger").await(WAIT).state()).isEqualTo(JobState.SUCCEEDED);
      clock.set(Instant.now());
      assertThat(get(uri).statusCode()).isEqualTo(200);

      // Damage every pack: the verification of wallet fails, and health says so.
      try (Stream<Path> packs = Files.walk(repo.resolve("data"))) {
        for (Path pack : packs.filter(Files::isRegularFile).toList()) {
          TestFiles.flipByte(pack, Files.size(pack) / 3);
        }
      }
      JobStatus verify = daemon.verifyNow("wallet").await(WAIT);
      assertThat(verify.state()).isEqualTo(JobState.FAILED);
      HttpResponse<String> failed = get(uri);
      assertThat(failed.statusCode()).isEqualTo(503);
      JsonNode f = ApiFixture.JSON.readTree(failed.body());
      assertThat(f.path("problems")).hasSize(1);
      assertThat(f.path("problems").get(0).path("database").asText()).isEqualTo("wallet");
      assertThat(f.path("problems").get(0).path("reason").asText()).isEqualTo("verify_failed");
      assertThat(f.path("problems").get(0).path("detail").asText())
          .contains("wallet", "verification", "failed");
    }
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer health-test-token").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
