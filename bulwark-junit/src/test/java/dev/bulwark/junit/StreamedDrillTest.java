package dev.bulwark.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.StreamPosition;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.sqlite.SqliteDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drill of a streamed database gets what the library's restore gets: the newest snapshot with
 * the stream replayed onto it, so the transactions shipped after the snapshot are there too.
 */
class StreamedDrillTest {
  @TempDir Path dir;

  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD")
  static class CountingDrill {
    static volatile RestoredDatabase seen;
    static volatile long entries;

    @Test
    void counts(Connection restored, RestoredDatabase what) throws SQLException {
      seen = what;
      try (Statement s = restored.createStatement();
          ResultSet rs = s.executeQuery("select count(*), sum(amount) from entries")) {
        entries = rs.getLong(1);
        assertThat(rs.getLong(2)).isZero();
      }
    }
  }

  @Test
  void theStreamIsReplayedOntoTheSnapshot() throws Exception {
    Path db = Files.createDirectories(dir.resolve("srv")).resolve("ledger.db");
    Path repo = dir.resolve("repo");
    Ledgers.create(db);
    StreamPosition shipped;
    try (BulwarkRepository r = Bulwark.repository(repo)
        .password(Ledgers.PASSWORD.getBytes(StandardCharsets.UTF_8)).createIfMissing(true)
        .keyDerivation(TestRepositories.FAST_KDF).open()) {
      try (Replicator replicator = r.replicate(SqliteDatabase.at(db),
          ReplicationOptions.defaults().withSyncInterval(Duration.ofMillis(100)))) {
        for (int i = 0; i < 20; i++) {
          Ledgers.transfer(db, "alice", "bob", i + 1);
        }
        replicator.awaitDurable(Duration.ofSeconds(30));
        shipped = replicator.lastShippedPosition().orElseThrow();
      }
      // The stream's only snapshot was taken when it started, before any transfer.
      assertThat(r.snapshots()).hasSize(1);
    }

    DrillRun.Outcome outcome = new DrillRun().with("DRILL_REPO", repo.toString())
        .with("DRILL_DB", db.toString()).with("DRILL_PASSWORD", Ledgers.PASSWORD)
        .with(RestoreDrillExtension.TEMP_DIR_PARAMETER, dir.resolve("tmp").toString())
        .run(CountingDrill.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(CountingDrill.entries).isEqualTo(40);
    RestoredDatabase seen = CountingDrill.seen;
    assertThat(seen.reached()).contains(shipped);
    assertThat(seen.replayedSegments()).isPositive();
    assertThat(seen.time()).isAfterOrEqualTo(seen.snapshotTime());
  }
}
