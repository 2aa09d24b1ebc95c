package dev.bulwark.sqlite.pitr;

import static dev.bulwark.core.testing.Sqlite.sql;
import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.content;
import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.integrity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.pitr.HandMadeStream;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.sqlite.SqliteKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's restore test on a hand-made stream: a writer commits numbered transactions (each
 * a row with its sequence number and commit time, plus random updates and deletes of padding),
 * each shipped as a segment, with some runs merged; an oracle copy is taken with {@code VACUUM
 * INTO} after every transaction. A restore to each of 20 random moments must pass {@code
 * integrity_check}, hold exactly a prefix of the writer's sequence (every transaction committed
 * by then, none after) and equal the oracle of the last transaction committed by then.
 */
@Slow
class RandomMomentsRestoreTest {
  private static final long SEED = Long.getLong("bulwark.test.seed", new Random().nextLong());
  private static final int TRANSACTIONS = 40;
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  @TempDir Path dir;

  @Test
  void everyRandomMomentRestoresExactlyThePrefixCommittedByThen() throws Exception {
    System.out.println("RandomMomentsRestoreTest seed: " + SEED
        + " (rerun with -Dbulwark.test.seed=" + SEED + ")");
    Random rnd = new Random(SEED);
    Path db = dir.resolve("app.db");
    sql(db, "pragma journal_mode=wal", "create table w(seq integer primary key, at text)",
        "create table pad(k integer primary key, v blob)",
        "insert into pad with recursive s(x) as (select 1 union all select x + 1 from s"
            + " where x < 300) select x, randomblob(400) from s");
    Instant[] commits = new Instant[TRANSACTIONS + 1];
    List<Path> oracles = new ArrayList<>();
    oracles.add(vacuumInto(db, dir.resolve("oracle-0.db")));
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")))) {
      HandMadeStream stream = HandMadeStream.start(repo, db, dir.resolve("states"), "app", 5,
          4096, T0);
      Instant t = T0;
      for (int i = 1; i <= TRANSACTIONS; i++) {
        t = t.plusMillis(200 + rnd.nextInt(1500));
        commits[i] = t;
        int k = 1 + rnd.nextInt(300);
        sql(db, "insert into w values (" + i + ", '" + t + "')",
            "update pad set v = randomblob(" + (100 + rnd.nextInt(600)) + ") where k % 17 = "
                + rnd.nextInt(17),
            "delete from pad where k = " + k,
            "insert or replace into pad values (" + (300 + i) + ", randomblob(300))");
        stream.ship(1, t, t);
        oracles.add(vacuumInto(db, dir.resolve("oracle-" + i + ".db")));
      }
      for (int m = 0; m < 4; m++) {
        int first = 1 + rnd.nextInt(TRANSACTIONS - 5);
        stream.merge(first, first + 2 + rnd.nextInt(4));
      }
      DatabaseRestorer restorer = new DatabaseRestorer(repo, new SqliteKind(), 2,
          new Progress());
      for (int m = 0; m < 20; m++) {
        Instant moment = T0.plusMillis(rnd.nextLong(
            commits[TRANSACTIONS].toEpochMilli() - T0.toEpochMilli() + 1));
        int expected = 0;
        while (expected < TRANSACTIONS && !commits[expected + 1].isAfter(moment)) {
          expected++;
        }
        Path out = dir.resolve("moment-" + m + ".db");
        DatabaseRestorer.Result r = restorer.restore(ReplayTarget.at(moment), db, out);
        String what = "moment " + moment + " (seed " + SEED + ")";
        assertThat(r.replay().orElseThrow().reached().txid()).as(what).isEqualTo(expected);
        assertThat(integrity(out)).as(what).isEqualTo("ok");
        assertThat(sequence(out)).as(what).isEqualTo(expected);
        assertThat(content(out)).as(what).isEqualTo(content(oracles.get(expected)));
      }
    }
  }

  private static Path vacuumInto(Path db, Path oracle) throws Exception {
    sql(db, "vacuum into '" + oracle + "'");
    return oracle;
  }

  /** The writer's sequence in {@code db}, checked to be 1..n without a hole; returns n. */
  private static int sequence(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select seq from w order by seq")) {
      int n = 0;
      while (rs.next()) {
        n++;
        assertThat(rs.getInt(1)).as("a prefix of the writer's sequence").isEqualTo(n);
      }
      return n;
    }
  }
}
