package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.stream.Durability;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.s3.testing.S3ProxyServer;
import dev.bulwark.sqlite.DurableDataSource;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Issue 12's test 4: SYNC commits to a real S3 server (s3proxy on 127.0.0.1). While the server
 * is stopped, a commit fails within the timeout with a clear error and the database is intact;
 * once it is back, shipping resumes and the stream holds every commit, the failed call's too.
 */
@Slow
class SyncDurabilityS3Test {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  @TempDir Path dir;

  private static void insert(Connection c, int n) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("insert into t(id, x) values (" + n + ", randomblob(300))");
    }
  }

  @Test
  void syncFailsWithinTheTimeoutWhileS3IsDownAndShipsOnceItIsBack() throws Exception {
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db); // 100 rows
    Path data = dir.resolve("s3");
    S3ProxyServer s3 = S3ProxyServer.start(data);
    int port = s3.port();
    String location = s3.repository("sync");
    try (BulwarkRepository repo = Bulwark.repository(Backends.open(location, s3.env()))
        .password(Cli.PASSWORD.getBytes(StandardCharsets.UTF_8)).createIfMissing(true)
        .keyDerivation(new Kdf.Params(1024, 8, 1)).open()) {
      Replicator r = repo.replicate(SqliteDatabase.at(db), ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofHours(1)).withStateDir(dir.resolve("state")));
      SQLiteDataSource plain = new SQLiteDataSource();
      plain.setUrl("jdbc:sqlite:" + db);
      try (Connection c = new DurableDataSource(plain, r, Durability.SYNC, TIMEOUT)
          .getConnection()) {
        insert(c, 1000);
        long shipped = r.lastShippedPosition().orElseThrow().txid();

        s3.close();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> insert(c, 1001)).isInstanceOf(SQLException.class)
            .hasMessageContaining("committed in the database, but not durable (SYNC) within"
                + " 3000 ms")
            .hasMessageContaining("shipping fails");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusSeconds(2));
        assertThat(r.lastShippedPosition().orElseThrow().txid()).isEqualTo(shipped);
        assertThat(ShippedStream.integrity(db)).isEqualTo("ok");
        assertThat(StreamedDatabase.rows(db)).isEqualTo(102);

        s3 = S3ProxyServer.start(data, port);
        // The replicator retries on its own; the next SYNC caller waits for that shipment.
        r.awaitDurable(Durability.SYNC, Duration.ofSeconds(60));
        insert(c, 1002);
        assertThat(r.lastShippedPosition().orElseThrow().txid()).isEqualTo(shipped + 2);
      }
      r.close();
      Path out = dir.resolve("restored.db");
      repo.restore(SqliteDatabase.at(db), ReplayTarget.newest(), out);
      assertThat(ShippedStream.rows(out)).isEqualTo(ShippedStream.rows(db));
      assertThat(StreamedDatabase.rows(out)).isEqualTo(103);
    } finally {
      s3.close();
    }
  }
}
