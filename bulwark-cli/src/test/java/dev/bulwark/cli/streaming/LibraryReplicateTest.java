package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.NotReplicableException;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.rocksdb.RocksDbDatabase;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's {@code repo.replicate(db, options)}, as a service calls it: a SQLite database
 * streams until the replicator is closed; a RocksDB database is refused before anything starts.
 */
class LibraryReplicateTest {
  @TempDir Path dir;

  private BulwarkRepository open() throws Exception {
    return Bulwark.repository(dir.resolve("repo"))
        .password(Cli.PASSWORD.getBytes(StandardCharsets.UTF_8)).createIfMissing(true)
        .keyDerivation(new Kdf.Params(1024, 8, 1)).open();
  }

  @Test
  void aSqliteDatabaseStreamsAndAwaitDurableMeansShipped() throws Exception {
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db);
    try (BulwarkRepository repo = open()) {
      try (Replicator r = repo.replicate(SqliteDatabase.at(db),
          ReplicationOptions.defaults().withSyncInterval(Duration.ofMillis(100)))) {
        StreamedDatabase.insert(db, 40);
        r.awaitDurable(Duration.ofSeconds(30));
        assertThat(r.lastShippedPosition()).isPresent();
        // Lag counts from the start of the last shipping cycle: at most an interval or so.
        assertThat(r.lag()).isLessThan(Duration.ofSeconds(5));
        assertThat(r.pendingBytes()).isZero();
        // Durable means in the repository: the stream already ends at the database's state.
        assertThat(ShippedStream.lastSegment(dir.resolve("repo"), Cli.PASSWORD).lastTxid())
            .isEqualTo(r.lastShippedPosition().orElseThrow().txid());
      }
    }
    ShippedStream.assertHolds(dir.resolve("repo"), Cli.PASSWORD, db, dir.resolve("check"));
  }

  @Test
  void aRocksDbDatabaseIsRefusedWithADomainException() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("index"));
    try (BulwarkRepository repo = open()) {
      assertThatThrownBy(() -> repo.replicate(RocksDbDatabase.at(folder),
          ReplicationOptions.defaults()))
          .isInstanceOf(NotReplicableException.class)
          .hasMessageContaining("only a SQLite database streams");
      assertThat(repo.snapshots()).isEmpty();
    }
  }
}
