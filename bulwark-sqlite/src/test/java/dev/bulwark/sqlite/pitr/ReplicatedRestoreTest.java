package dev.bulwark.sqlite.pitr;

import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.content;
import static dev.bulwark.sqlite.pitr.SqliteStreamFixture.integrity;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.sqlite.SqliteKind;
import dev.bulwark.sqlite.SqliteSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time restore of a stream the real replicator shipped while a connection of the same
 * process kept inserting numbered rows: the newest restore equals the database, and a restore
 * to random moments of the stream passes {@code integrity_check} and holds exactly a prefix of
 * the sequence, the same rows as the database has up to it; the same point asked for by its
 * position gives the same database.
 */
@Slow
class ReplicatedRestoreTest {
  private static final long SEED = Long.getLong("bulwark.test.seed", new Random().nextLong());
  @TempDir Path dir;

  @Test
  void restoresTheReplicatorsStreamToItsNewestAndToRandomMoments() throws Exception {
    System.out.println("ReplicatedRestoreTest seed: " + SEED
        + " (rerun with -Dbulwark.test.seed=" + SEED + ")");
    Random rnd = new Random(SEED);
    Path db = dir.resolve("app.db");
    try (Repository repo = TestRepositories.init(LocalBackend.open(dir.resolve("repo")));
        Connection w = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = w.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
      }
      ReplicationOptions options = ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofMillis(50)).withStateDir(dir.resolve("state"))
          .withDatabaseId("app");
      int seq = 0;
      try (Replicator r = SqliteSource.of(db).replicate(repo, options);
          PreparedStatement p = w.prepareStatement(
              "INSERT INTO t VALUES (?, randomblob(200 + abs(random() % 2000)))")) {
        // Bursts, each made durable, so the stream has many segment boundaries.
        for (int burst = 0; burst < 15; burst++) {
          for (int i = 1 + rnd.nextInt(30); i > 0; i--) {
            p.setInt(1, ++seq);
            p.executeUpdate();
          }
          r.awaitDurable(Duration.ofSeconds(20));
        }
      }
      DatabaseRestorer restorer = new DatabaseRestorer(repo, new SqliteKind(), 2,
          new Progress());
      Path newest = dir.resolve("newest.db");
      ReplayPlan all = restorer.restore(SnapshotRef.latest(), db, newest).replay()
          .orElseThrow();
      assertThat(integrity(newest)).isEqualTo("ok");
      assertThat(content(newest)).isEqualTo(content(db));
      assertThat(sequence(newest)).isEqualTo(seq);

      SegmentStore store = new SegmentStore(repo);
      List<SegmentRef> refs = store.list("app", all.start().generation());
      Instant from = all.snapshot().time();
      Instant to = store.load(refs.get(refs.size() - 1)).lastCommit();
      int previous = 0;
      List<Instant> moments = rnd.ints(20, 0, (int) Duration.between(from, to).toMillis() + 1)
          .sorted().mapToObj(from::plusMillis).toList();
      for (Instant moment : moments) {
        String what = "moment " + moment + " (seed " + SEED + ")";
        Path out = dir.resolve("at-" + moment.toEpochMilli() + ".db");
        ReplayPlan plan = restorer.restore(ReplayTarget.at(moment), db, out).replay()
            .orElseThrow();
        assertThat(integrity(out)).as(what).isEqualTo("ok");
        int n = sequence(out);
        assertThat(n).as(what + ": a later moment never holds less")
            .isGreaterThanOrEqualTo(previous);
        previous = n;
        assertThat(content(out)).as(what).isEqualTo(prefix(content(db), n));
        Path byPosition = dir.resolve("txid-" + moment.toEpochMilli() + ".db");
        restorer.restore(ReplayTarget.position(plan.reached()), db, byPosition);
        assertThat(content(byPosition)).as(what).isEqualTo(content(out));
      }
    }
  }

  /** {@code content} (schema first, then rows of t in order) cut after row {@code n}. */
  private static List<String> prefix(List<String> content, int n) {
    return content.stream().filter(l -> !l.startsWith("t|")
        || Integer.parseInt(l.substring(2, l.indexOf('|', 2))) <= n).toList();
  }

  /** The sequence in {@code db}, checked to be 1..n without a hole; returns n. */
  private static int sequence(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq FROM t ORDER BY seq")) {
      int n = 0;
      while (rs.next()) {
        n++;
        assertThat(rs.getInt(1)).as("a prefix of the sequence").isEqualTo(n);
      }
      return n;
    }
  }
}
