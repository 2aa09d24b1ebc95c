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
import dev.bulwark.core.testing.Slow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streamed database whose replicator stops for good while the daemon runs (here: the file
 * is replaced by one that is not a database, so no new generation can start) is noticed,
 * reported as retrying with the cause, and started again once it can stream: a new generation
 * from the new file. Slow: the watch asks an idle replicator every 10 s.
 */
@Slow
class DaemonStreamRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void aReplicatorThatStopsForGoodIsRestartedAfterABackoff() throws Exception {
    Path repo = dir.resolve("repo");
    Repository.init(LocalBackend.open(repo), Cli.PASSWORD.getBytes(StandardCharsets.UTF_8),
        new Kdf.Params(1024, 8, 1)).close();
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db);
    DatabaseConfig app = new DatabaseConfig("app", DatabaseType.SQLITE, db, List.of(), null,
        null, null, false, new StreamConfig(Duration.ofMillis(200), null));
    BulwarkConfig config = new BulwarkConfig(dir.resolve("bulwark.yml"), repo.toString(),
        Cli.passwordFile(dir, Cli.PASSWORD), List.of(),
        new ApiConfig("127.0.0.1", 0, null, false), List.of(app));
    ConfigSource noReload = () -> {
      throw new ConfigException("no reload here");
    };
    try (Daemon daemon = Daemon.open(config, noReload, Clock.systemUTC(), Duration.ZERO)) {
      daemon.start();
      await("streaming", () -> stream(daemon).state() == StreamState.STREAMING);
      long firstGeneration = stream(daemon).lastShipped().generation();

      Path garbage = Files.write(dir.resolve("garbage"), new byte[8192]);
      Files.move(garbage, db, StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(dir.resolve("app.db-wal"));
      Files.deleteIfExists(dir.resolve("app.db-shm"));
      await("the failure noticed", () -> stream(daemon).failures() >= 1);
      assertThat(stream(daemon).lastError()).isNotNull();

      Files.delete(db);
      StreamedDatabase.create(db);
      StreamedDatabase.insert(db, 10);
      await("streaming again, in a new generation", () -> {
        StreamStatus s = stream(daemon);
        return s.state() == StreamState.STREAMING && s.lastShipped() != null
            && s.lastShipped().generation() != firstGeneration;
      });
    }
    ShippedStream.assertHolds(repo, Cli.PASSWORD, db, dir.resolve("check"));
  }

  private static StreamStatus stream(Daemon d) {
    return d.status().databases().get(0).stream();
  }

  private static void await(String what, Eventually.Probe p) throws Exception {
    Eventually.await(what, WAIT, p);
  }
}
