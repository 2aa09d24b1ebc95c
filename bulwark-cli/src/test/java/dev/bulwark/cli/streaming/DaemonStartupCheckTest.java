package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.config.ApiConfig;
import dev.bulwark.cli.config.BulwarkConfig;
import dev.bulwark.cli.config.ConfigException;
import dev.bulwark.cli.config.ConfigSource;
import dev.bulwark.cli.config.DatabaseConfig;
import dev.bulwark.cli.config.DatabaseType;
import dev.bulwark.cli.config.StreamConfig;
import dev.bulwark.cli.daemon.Daemon;
import dev.bulwark.cli.daemon.StreamState;
import dev.bulwark.cli.daemon.StreamStatus;
import dev.bulwark.cli.testing.Cli;
import dev.bulwark.cli.testing.Eventually;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.stream.StartupPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark run} checks each streamed database before it streams it: an older copy put in
 * place is refused (reported as the stream's error, nothing shipped, retried with a backoff),
 * and accepted on purpose it starts a new generation.
 */
class DaemonStartupCheckTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void anOlderCopyIsNotStreamedUntilAccepted() throws Exception {
    Path repo = dir.resolve("repo");
    Repository.init(LocalBackend.open(repo), Cli.PASSWORD.getBytes(StandardCharsets.UTF_8),
        new Kdf.Params(1024, 8, 1)).close();
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db);
    BulwarkConfig config = config(repo, db);
    long firstGeneration;
    try (Daemon daemon = open(config)) {
      daemon.start();
      await("streaming", () -> stream(daemon).state() == StreamState.STREAMING);
      firstGeneration = stream(daemon).lastShipped().generation();
    }
    Path older = Files.copy(db, dir.resolve("older.db"));
    StreamedDatabase.insert(db, 5);
    try (Daemon daemon = open(config)) {
      daemon.startupPolicy(StartupPolicy.defaults().acceptingOlderDatabase());
      daemon.start();
      await("streaming the newer rows", () -> stream(daemon).state() == StreamState.STREAMING);
    }
    int segments = ShippedStream.segmentCount(repo);
    long generations = ShippedStream.generations(repo).size();

    Files.delete(db);
    Files.copy(older, db);
    try (Daemon daemon = open(config)) {
      daemon.start();
      await("the refusal reported", () -> stream(daemon).failures() >= 1);
      StreamStatus s = stream(daemon);
      assertThat(s.state()).isNotEqualTo(StreamState.STREAMING);
      assertThat(s.lastError()).contains("refusing to stream", "an earlier state");
    }
    assertThat(ShippedStream.segmentCount(repo)).as("nothing shipped").isEqualTo(segments);
    assertThat(ShippedStream.generations(repo)).hasSize((int) generations);

    try (Daemon daemon = open(config)) {
      daemon.startupPolicy(StartupPolicy.defaults().acceptingOlderDatabase());
      daemon.start();
      await("streaming the older copy, in a new generation", () -> {
        StreamStatus s = stream(daemon);
        return s.state() == StreamState.STREAMING && s.lastShipped() != null
            && s.lastShipped().generation() != firstGeneration;
      });
    }
    ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));
  }

  private BulwarkConfig config(Path repo, Path db) throws Exception {
    DatabaseConfig app = new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), null,
        null, null, false, new StreamConfig(Duration.ofMillis(200), null));
    return new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(),
        Cli.passwordFile(dir, Cli.PASSWORD), List.of(),
        new ApiConfig("127.0.0.1", 0, null, false), List.of(app));
  }

  private static Daemon open(BulwarkConfig config) throws Exception {
    ConfigSource noReload = () -> {
      throw new ConfigException("no reload here");
    };
    return Daemon.open(config, noReload, Clock.systemUTC(), Duration.ZERO);
  }

  private static StreamStatus stream(Daemon d) {
    return d.status().databases().get(0).stream();
  }

  private static void await(String what, Eventually.Probe p) throws Exception {
    Eventually.await(what, WAIT, p);
  }
}
