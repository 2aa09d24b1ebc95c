package dev.bulwark.cli.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.cli.testing.Cli;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backend.Backend;
import dev.bulwark.core.backend.Backends;
import dev.bulwark.core.backend.RateLimits;
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
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream under a tight upload and download limit, on a folder and on a real S3 server
 * (s3proxy on 127.0.0.1): every SYNC commit still returns durable (the waiters complete, the
 * limit only slows the uploads down), and the stream restores every committed row.
 */
@Slow
class RateLimitedStreamTest {
  private static final RateLimits LIMITS = new RateLimits(64, 64);
  private static final int COMMITS = 20;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void syncWaitersCompleteUnderALimitOnAFolder() throws Exception {
    streamUnderLimit(Backends.open(dir.resolve("repo").toString(), Map.of()));
  }

  @Test
  void syncWaitersCompleteUnderALimitOnS3() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"))) {
      streamUnderLimit(Backends.open(s3.repository("limited"), s3.env()));
    }
  }

  private void streamUnderLimit(Backend backend) throws Exception {
    Path db = dir.resolve("app.db");
    StreamedDatabase.create(db); // 100 rows
    try (BulwarkRepository repo = Bulwark.repository(backend)
        .password(Cli.PASSWORD.getBytes(StandardCharsets.UTF_8)).createIfMissing(true)
        .keyDerivation(new Kdf.Params(1024, 8, 1)).rateLimits(LIMITS).open()) {
      Replicator r = repo.replicate(SqliteDatabase.at(db), ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofHours(1)).withStateDir(dir.resolve("state")));
      org.sqlite.SQLiteDataSource plain = new org.sqlite.SQLiteDataSource();
      plain.setUrl("jdbc:sqlite:" + db);
      try (Connection c = new DurableDataSource(plain, r, Durability.SYNC, TIMEOUT)
          .getConnection(); Statement s = c.createStatement()) {
        for (int i = 0; i < COMMITS; i++) {
          // Returns only once the commit is in the repository, or throws after TIMEOUT.
          s.executeUpdate("insert into t(x) values (randomblob(2000))");
        }
      }
      long shipped = r.lastShippedPosition().orElseThrow().txid();
      r.close();
      Path out = dir.resolve("restored.db");
      repo.restore(SqliteDatabase.at(db), ReplayTarget.newest(), out);
      assertThat(StreamedDatabase.rows(out)).isEqualTo(100 + COMMITS);
      assertThat(ShippedStream.rows(out)).isEqualTo(ShippedStream.rows(db));
      assertThat(shipped).isPositive();
    }
  }
}
