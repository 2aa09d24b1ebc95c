package dev.bulwark.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore drills run as a build runs them, against real repositories the library wrote: an
 * invariant that does not hold in the newest backup fails the drill, one that holds passes.
 */
class RestoreDrillTest {
  private static final Instant MONDAY = Instant.parse("2026-11-30T02:00:00Z");
  private static final Instant TUESDAY = Instant.parse("2026-12-01T02:00:00Z");

  @TempDir Path dir;
  Path db;
  Path repo;
  Path tmp;

  @BeforeEach
  void ledger() throws Exception {
    db = Files.createDirectories(dir.resolve("srv/app")).resolve("ledger.db");
    repo = dir.resolve("repo");
    tmp = Files.createDirectories(dir.resolve("tmp"));
    Ledgers.create(db);
    Ledgers.transfer(db, "alice", "bob", 30);
    Ledgers.transfer(db, "bob", "carol", 10);
  }

  /** The team's drill: every transfer balances, so the balances sum to zero. */
  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD")
  static class BalancesDrill {
    @Test
    void balancesSumToZero(Connection restored) throws SQLException {
      try (Statement s = restored.createStatement();
          ResultSet rs = s.executeQuery("select count(*), sum(amount) from entries")) {
        assertThat(rs.getLong(1)).as("entries").isPositive();
        assertEquals(0, rs.getLong(2), "sum of all balances");
      }
    }
  }

  @Test
  void aDrillOnAGoodSnapshotPasses() throws Exception {
    Ledgers.backup(repo, db, "prod-1", MONDAY);

    DrillRun.Outcome outcome = drill().run(BalancesDrill.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.tests().succeeded().count()).isEqualTo(1);
  }

  @Test
  void aDrillWhoseInvariantFailsInTheNewestSnapshotFails() throws Exception {
    Ledgers.backup(repo, db, "prod-1", MONDAY);
    Ledgers.halfTransfer(db, "mallory", 5);
    Ledgers.backup(repo, db, "prod-1", TUESDAY);

    DrillRun.Outcome outcome = drill().run(BalancesDrill.class);

    assertThat(outcome.tests().succeeded().count()).isZero();
    assertThat(outcome.failures()).singleElement(org.assertj.core.api.InstanceOfAssertFactories
        .STRING).contains("sum of all balances", "expected: <0> but was: <5>");
  }

  /** The same invariant, on the ledger as it was at {@code DRILL_TIME}. */
  @DrillUnderTest
  @RestoreDrill(repository = "${DRILL_REPO}", database = "${DRILL_DB}",
      passwordVariable = "DRILL_PASSWORD", time = "${DRILL_TIME}")
  static class MondayDrill extends BalancesDrill {
    static volatile RestoredDatabase seen;

    @Test
    void restoresMondaysSnapshot(RestoredDatabase restored, Path copy) {
      seen = restored;
      assertThat(copy).isEqualTo(restored.path()).exists();
    }
  }

  @Test
  void aDrillAtATimeRestoresTheOlderStateAndPasses() throws Exception {
    String monday = Ledgers.backup(repo, db, "prod-1", MONDAY).id().toString();
    Ledgers.halfTransfer(db, "mallory", 5);
    Ledgers.backup(repo, db, "prod-1", TUESDAY);

    DrillRun.Outcome outcome = drill().with("DRILL_TIME", "2026-11-30T12:00:00Z")
        .run(MondayDrill.class);

    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.tests().succeeded().count()).isEqualTo(2);
    RestoredDatabase seen = MondayDrill.seen;
    assertThat(seen.snapshotId()).isEqualTo(monday);
    assertThat(seen.snapshotTime()).isEqualTo(MONDAY);
    assertThat(seen.time()).isEqualTo(MONDAY);
    assertThat(seen.host()).isEqualTo("prod-1");
    assertThat(seen.database()).isEqualTo(db);
    assertThat(seen.reached()).isEmpty();
  }

  private DrillRun drill() {
    return new DrillRun().with("DRILL_REPO", repo.toString()).with("DRILL_DB", db.toString())
        .with("DRILL_PASSWORD", Ledgers.PASSWORD)
        .with(RestoreDrillExtension.TEMP_DIR_PARAMETER, tmp.toString());
  }
}
