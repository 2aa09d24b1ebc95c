package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.config.StreamConfig;
import dev.bulwark.cli.daemon.Daemon;
import dev.bulwark.cli.daemon.DatabaseStatus;
import dev.bulwark.cli.daemon.JobState;
import dev.bulwark.cli.daemon.JobStatus;
import dev.bulwark.cli.daemon.StreamState;
import dev.bulwark.cli.daemon.StreamStatus;
import dev.bulwark.cli.http.ApiServer;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Eventually;
import dev.bulwark.cli.testing.PrometheusText;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.StreamTags;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon in this JVM keeps a database with {@code stream:} streaming: segments appear while
 * a writer commits, {@code /metrics} and the status show the stream, and on close what was
 * committed is shipped.
 */
class DaemonStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOKEN = "daemon-stream-test-token";

  @TempDir Path dir;
  private Path repo;
  private Path db;
  private Path tokenFile;
  private Path passwordFile;

  @BeforeEach
  void repositoryAndDatabase() throws Exception {
    repo = dir.resolve("repo");
    Repository.init(LocalBackend.open(repo), Cli.PASSWORD.getBytes(StandardCharsets.UTF_8),
        new Kdf.Params(1024, 8, 1)).close();
    passwordFile = Cli.passwordFile(dir, Cli.PASSWORD);
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    db = dir.resolve("app.db");
    StreamedDatabase.create(db);
  }

  @Test
  void aConfiguredStreamShipsSegmentsAndShowsInMetricsAndStatus() throws Exception {
    DatabaseConfig app = new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), null,
        null, null, false, new StreamConfig(Duration.ofMillis(200), Duration.ofHours(24)));
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(),
        passwordFile, List.of(), new ApiConfig("127.0.0.1", 0, tokenFile, true), List.of(app));
    ConfigSource noReload = () -> {
      throw new ConfigException("no reload here");
    };
    try (Daemon daemon = Daemon.open(config, noReload, Clock.systemUTC(), Duration.ZERO);
        ApiServer api = new ApiServer(config.api(), daemon)) {
      api.start();
      daemon.start();
      // Rows written before the stream has started are in its first snapshot, not segments.
      await("the stream started", () -> {
        DatabaseStatus s = daemon.status().databases().get(0);
        return s.stream() != null && s.stream().state() == StreamState.STREAMING
            && s.stream().lastShipped() != null;
      });
      StreamedDatabase.insert(db, 50);
      await("segments in the repository",
          () -> !ShippedStream.newestSegments(repo, Cli.PASSWORD).isEmpty());
      await("the stream reported as streaming with a shipped position", () -> {
        DatabaseStatus s = daemon.status().databases().get(0);
        return s.stream() != null && s.stream().state() == StreamState.STREAMING
            && s.stream().lastShipped() != null && s.stream().lastShipped().txid() > 0;
      });

      Map<String, PrometheusText.Family> m = PrometheusText.parse(get(api, "/metrics"));
      assertThat(sample(m, "bulwark_stream_up")).isEqualTo(1.0);
      assertThat(sample(m, "bulwark_stream_lag_seconds")).isBetween(0.0, 30.0);
      assertThat(sample(m, "bulwark_stream_pending_bytes")).isGreaterThanOrEqualTo(0.0);
      assertThat(sample(m, "bulwark_stream_last_shipped_txid")).isGreaterThan(0.0);
      assertThat(sample(m, "bulwark_stream_estimated_restore_seconds"))
          .isGreaterThanOrEqualTo(0.0);
      assertThat(sample(m, "bulwark_stream_failures_total")).isZero();

      JsonNode status = new ObjectMapper().readTree(post(api,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}"));
      JsonNode stream = status.get("result").get("databases").get(0).get("stream");
      assertThat(stream.get("state").asText()).isEqualTo("streaming");
      assertThat(stream.get("last_shipped_txid").asLong()).isPositive();

      StreamedDatabase.insert(db, 30);
    }
    // Closing the daemon shipped what the last rows committed.
    ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));
  }

  @Test
  void aBackupOfAStreamedDatabaseIsBuiltFromItsStreamWithoutCopyingIt() throws Exception {
    DatabaseConfig app = new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), null,
        null, null, false, new StreamConfig(Duration.ofMillis(200), null));
    ConfigSource noReload = () -> {
      throw new ConfigException("no reload here");
    };
    try (Daemon daemon = Daemon.open(config(app), noReload, Clock.systemUTC(), Duration.ZERO)) {
      daemon.start();
      await("the stream started", () -> {
        StreamStatus s = daemon.status().databases().get(0).stream();
        return s != null && s.state() == StreamState.STREAMING && s.lastShipped() != null;
      });
      StreamedDatabase.insert(db, 40);
      Snapshot base = only(daemon.snapshots("app"));
      JobStatus job = daemon.backupNow("app").await(WAIT);
      assertThat(job.state()).as(String.valueOf(job.error())).isEqualTo(JobState.SUCCEEDED);

      List<Snapshot> after = daemon.snapshots("app");
      assertThat(after).hasSize(2);
      Snapshot folded = after.stream().filter(s -> s.id().toString().equals(job.snapshotId()))
          .findFirst().orElseThrow();
      // Built from the stream: the generation's first snapshot is its parent, and its stream
      // position holds the 40 rows (a copy would carry no stream position).
      assertThat(folded.parent()).isEqualTo(base.id());
      StreamTags at = DatabaseTags.fromTags(folded.tags()).flatMap(StreamTags::of)
          .orElseThrow(() -> new AssertionError("no stream position: " + folded.tags()));
      assertThat(at.txid()).isPositive();
      Path restored = dir.resolve("restored.db");
      Cli.withPassword().inProcess().run("restore", folded.id().toString(), "--repo",
          repo.toString(), "--db", db.toString(), "--output", restored.toString()).assertOk();
      assertThat(StreamedDatabase.rows(restored)).isEqualTo(StreamedDatabase.rows(db));
    }
  }

  private static Snapshot only(List<Snapshot> snapshots) {
    assertThat(snapshots).hasSize(1);
    return snapshots.get(0);
  }

  @Test
  void aDatabaseThatCannotStreamYetIsRetriedWithBackoffUntilItCan() throws Exception {
    Path later = dir.resolve("later.db");
    DatabaseConfig app = new DatabaseConfig("later", DatabaseType.SQLITE, later, List.of(),
        null, null, null, false, new StreamConfig(Duration.ofMillis(200), null));
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(),
        passwordFile, List.of(), new ApiConfig("127.0.0.1", 0, null, false), List.of(app));
    ConfigSource noReload = () -> {
      throw new ConfigException("no reload here");
    };
    try (Daemon daemon = Daemon.open(config, noReload, Clock.systemUTC(), Duration.ZERO)) {
      daemon.start();
      await("a failed start, waiting to retry", () -> {
        StreamStatus s = daemon.status().databases().get(0).stream();
        return s.state() == StreamState.RETRYING && s.failures() >= 1;
      });
      assertThat(daemon.status().databases().get(0).stream().lastError())
          .contains(later.toString()).contains("does not exist");
      StreamedDatabase.create(later);
      await("streaming once the database exists", () ->
          daemon.status().databases().get(0).stream().state() == StreamState.STREAMING);
      StreamedDatabase.insert(later, 10);
    }
    ShippedStream.assertHolds(repo, Cli.PASSWORD, later, dir.resolve("check"));
  }

  @Test
  void aReloadStartsAndStopsAStream() throws Exception {
    DatabaseConfig plain = new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), null,
        null, null, false);
    DatabaseConfig streamed = new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(),
        null, null, null, false, new StreamConfig(Duration.ofMillis(200), null));
    AtomicReference<DatabaseConfig> next = new AtomicReference<>(streamed);
    ConfigSource source = () -> config(next.get());
    try (Daemon daemon = Daemon.open(config(plain), source, Clock.systemUTC(), Duration.ZERO)) {
      daemon.start();
      assertThat(daemon.status().databases().get(0).stream()).as("not streamed").isNull();
      daemon.reload();
      await("streaming after the reload", () -> {
        StreamStatus s = daemon.status().databases().get(0).stream();
        return s != null && s.state() == StreamState.STREAMING;
      });
      StreamedDatabase.insert(db, 10);
      next.set(plain);
      daemon.reload();
      assertThat(daemon.status().databases().get(0).stream()).as("stopped").isNull();
      // Stopping shipped what was committed before the reload.
      ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));
    }
  }

  private BulwarkConfig config(DatabaseConfig db) {
    return new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(), passwordFile,
        List.of(), new ApiConfig("127.0.0.1", 0, null, false), List.of(db));
  }

  private static double sample(Map<String, PrometheusText.Family> m, String family) {
    PrometheusText.Family f = m.get(family);
    assertThat(f).as(family).isNotNull();
    return f.samples().stream().filter(s -> "app".equals(s.labels().get("database")))
        .findFirst().orElseThrow(() -> new AssertionError("no sample of " + family)).value();
  }

  private static String get(ApiServer api, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + api.port() + path))
        .header("Authorization", "Bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static String post(ApiServer api, String body) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + api.port() + "/rpc"))
        .header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static void await(String what, Eventually.Probe p) throws Exception {
    Eventually.await(what, WAIT, p);
  }
}
