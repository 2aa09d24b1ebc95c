package dev.bulwark.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.backup.BackupOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A database's {@code stream:} in {@code bulwark.yml}: what binds, and each mistake refused. */
class StreamConfigTest {
  private static final String SQLITE = ConfigLoaderTest.MINIMAL + """
      databases:
        - name: app
          kind: sqlite
          path: app.db
      """;

  @TempDir Path dir;

  @Test
  void aStreamBindsItsSyncIntervalRetentionAndRequestCeiling() throws Exception {
    DatabaseConfig db = load(SQLITE + "    stream: {sync-interval: 2s, retention: 24h, "
        + "max-requests-per-hour: 720}\n");
    assertThat(db.isStreamed()).isTrue();
    assertThat(db.stream()).isEqualTo(new StreamConfig(Duration.ofSeconds(2),
        Duration.ofHours(24), 720));
    assertThat(db.stream().replicationOptions().syncInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(db.stream().replicationOptions().maxRequestsPerHour()).isEqualTo(720);
    assertThat(db.stream().streamRetention().window()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void anEmptyStreamStreamsWithTheDefaultsAndNoStreamDoesNotStream() throws Exception {
    DatabaseConfig streamed = load(SQLITE + "    stream: {}\n");
    assertThat(streamed.stream().syncInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(streamed.stream().retention()).isNull();
    assertThat(streamed.stream().maxRequestsPerHour()).isZero();
    assertThat(streamed.stream().streamRetention().keepsAll()).isTrue();
    DatabaseConfig plain = load(SQLITE);
    assertThat(plain.isStreamed()).isFalse();
    assertThat(plain.stream()).isNull();
  }

  @Test
  void aSubSecondIntervalIsMillisecondsAndReadsBackAsWritten() throws Exception {
    DatabaseConfig db = load(SQLITE + "    stream:\n      sync-interval: 250ms\n");
    assertThat(db.stream().syncInterval()).isEqualTo(Duration.ofMillis(250));
    for (String s : new String[] {"250ms", "1500ms", "1s", "10s", "1m", "1h"}) {
      assertThat(DurationText.format(DurationText.parseFine(s))).isEqualTo(s);
    }
  }

  @Test
  void variablesTurnStreamingOnAndOverrideTheFile() throws Exception {
    Path file = write(SQLITE + "    stream: {sync-interval: 2s}\n");
    EffectiveConfig ec = ConfigLoader.resolve(file,
        Map.of("BULWARK_DB_APP_STREAM_SYNC_INTERVAL", "500ms",
            "BULWARK_DB_APP_STREAM_RETENTION", "2d"), java.util.List.of());
    StreamConfig s = ec.config().databases().get(0).stream();
    assertThat(s).isEqualTo(new StreamConfig(Duration.ofMillis(500), Duration.ofDays(2)));
    assertThat(ec.origin("databases[0].stream.sync-interval").orElseThrow().source())
        .isEqualTo("BULWARK_DB_APP_STREAM_SYNC_INTERVAL");
    // A variable alone, with no stream in the file, starts streaming that database.
    Path plain = write(SQLITE);
    assertThat(ConfigLoader.load(plain, Map.of("BULWARK_DB_APP_STREAM_RETENTION", "1h"))
        .databases().get(0).stream()).isEqualTo(new StreamConfig(null, Duration.ofHours(1)));
  }

  @Test
  void aChunkSizeGoesToTheDatabasesBackupsAndToItsStreamAlike() throws Exception {
    DatabaseConfig db = load(SQLITE + "    chunk-size: 8K\n    stream: {}\n");
    assertThat(db.chunkBytes()).isEqualTo(8192);
    assertThat(db.chunked(BackupOptions.defaults()).chunkBytesFor(4096)).isEqualTo(8192);
    assertThat(db.replicationOptions().pageChunkBytes()).isEqualTo(8192);
    DatabaseConfig plain = load(SQLITE + "    stream: {}\n");
    assertThat(plain.chunkBytes()).isNull();
    assertThat(plain.chunked(BackupOptions.defaults()).chunkBytesFor(4096))
        .isEqualTo(BackupOptions.DEFAULT_PAGE_CHUNK_BYTES);
    assertThat(plain.replicationOptions().pageChunkBytes())
        .isEqualTo(BackupOptions.DEFAULT_PAGE_CHUNK_BYTES);
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("an unknown stream field", SQLITE + "    stream: {sync_interval: 1s}\n",
            ":9: databases[0].stream.sync_interval: unknown field (did you mean "
                + "'sync-interval'?); known here: sync-interval, retention, "
                + "max-requests-per-hour"),
        Arguments.of("a field far from any", SQLITE + "    stream:\n      colour: red\n",
            ":10: databases[0].stream.colour: unknown field; known here: sync-interval, "
                + "retention, max-requests-per-hour"),
        Arguments.of("a stream that is not a mapping", SQLITE + "    stream: yes\n",
            ":9: databases[0].stream: expected a mapping (sync-interval, retention, "
                + "max-requests-per-hour, snapshot-interval), found"),
        Arguments.of("a negative request ceiling", SQLITE
            + "    stream: {max-requests-per-hour: -5}\n", ":9: databases[0].stream."
            + "max-requests-per-hour: -5 cannot be negative"),
        Arguments.of("a bad sync interval", SQLITE + "    stream: {sync-interval: fast}\n",
            ":9: databases[0].stream.sync-interval: 'fast' is not a duration (use 500ms, 1s, "
                + "10s, 1m)"),
        Arguments.of("a zero sync interval", SQLITE + "    stream: {sync-interval: 0ms}\n",
            ":9: databases[0].stream.sync-interval: '0ms' is not a positive duration"),
        Arguments.of("a sync interval over an hour", SQLITE
            + "    stream: {sync-interval: 2h}\n", ":9: databases[0].stream.sync-interval: "
            + "'2h' is longer than the most a stream may wait, 1h"),
        Arguments.of("a bad retention", SQLITE + "    stream: {retention: forever}\n",
            ":9: databases[0].stream.retention: 'forever' is not a duration (use 30s, 15m, "
                + "1h, 1d)"),
        Arguments.of("a stream on RocksDB", SQLITE.replace("kind: sqlite", "kind: rocksdb")
            + "    stream: {sync-interval: 1s}\n", ":9: databases[0].stream: only a SQLite "
            + "database streams its transactions; remove 'stream' from this rocksdb database"),
        Arguments.of("a chunk size that is not a size", SQLITE + "    chunk-size: small\n",
            ":9: databases[0].chunk-size: not a size: small (use e.g. 64K, 16M)"),
        Arguments.of("a chunk size below the chunker's least", SQLITE
            + "    chunk-size: 1K\n", ":9: databases[0].chunk-size: '1K' is out of range (4K "
            + "to "),
        Arguments.of("a misspelled stream", SQLITE + "    streams: {}\n",
            ":9: databases[0].streams: unknown field (did you mean 'stream'?)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeIsOneLineNamingFileLineAndField(String what, String yaml, String expected)
      throws Exception {
    Path file = write(yaml);
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aRocksDbStreamSetByAVariableIsRefusedNamingTheVariable() throws Exception {
    Path file = write(SQLITE.replace("kind: sqlite", "kind: rocksdb"));
    assertThatThrownBy(() -> ConfigLoader.load(file,
        Map.of("BULWARK_DB_APP_STREAM_SYNC_INTERVAL", "1s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BULWARK_DB_APP_STREAM_SYNC_INTERVAL")
        .hasMessageContaining("databases[0].stream: only a SQLite database streams");
  }

  private DatabaseConfig load(String yaml) throws Exception {
    return ConfigLoader.load(write(yaml), Map.of()).databases().get(0);
  }

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("bulwark.yml");
    Files.writeString(f, yaml);
    return f;
  }
}
