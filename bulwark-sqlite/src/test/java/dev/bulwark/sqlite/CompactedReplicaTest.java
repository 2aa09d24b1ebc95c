package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.prune.PruneOptions;
import dev.bulwark.core.prune.PruneResult;
import dev.bulwark.core.prune.Pruner;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.CompactionLevels;
import dev.bulwark.core.stream.Compactor;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamTags;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.compaction.SqliteStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the real replicator ships, compacted and pruned: the merged segments replay (taking the
 * longest segment not past the target at each step, as a restore does) to the database the
 * service wrote, before and after a prune with a short stream retention.
 */
@Slow
class CompactedReplicaTest {
  @TempDir Path tmp;

  @Test
  void aCompactedAndPrunedStreamOfTheRealReplicatorReplaysToTheDatabase() throws Exception {
    Path db = tmp.resolve("app.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, v BLOB)");
    }
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        Connection w = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      Replicator r = SqliteSource.of(db).replicate(repo.repo, ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofMillis(20)).withStateDir(tmp.resolve("state"))
          .withDatabaseId("app"));
      try (PreparedStatement p = w.prepareStatement(
          "INSERT INTO t(seq, v) VALUES (?, randomblob(200 + abs(random() % 2000)))");
          Statement s = w.createStatement()) {
        for (int i = 0; i < 300; i++) {
          p.setInt(1, i);
          p.executeUpdate();
          if (i % 50 == 49) {
            s.execute("UPDATE t SET v = randomblob(50) WHERE seq % 5 = 0");
            s.execute("DELETE FROM t WHERE seq % 13 = 0");
          }
          if (i % 25 == 24) {
            // Everything so far shipped: at least one segment per 25 rows.
            r.awaitDurable(Duration.ofSeconds(20));
          }
        }
        r.awaitDurable(Duration.ofSeconds(20));
      } finally {
        r.close();
      }
      Snapshot base = base(repo);
      StreamTags tags = StreamReplay.tags(base);
      SegmentStore store = new SegmentStore(repo.repo);
      List<SegmentRef> shipped = store.list("app", tags.generation());
      assertThat(shipped.size()).as("segments shipped").isGreaterThan(3);

      // Two hours on, every bucket is complete.
      Instant later = Instant.now().plus(Duration.ofHours(2));
      List<SegmentRef> merged = new Compactor(store, CompactionLevels.DEFAULT)
          .compact("app", tags.generation(), later);
      assertThat(merged).isNotEmpty();
      long head = shipped.get(shipped.size() - 1).lastTxid();
      assertThat(chain(store, tags, head).size()).isLessThan(shipped.size());
      assertThat(content(replay(repo, base, head, "compacted.db"))).isEqualTo(content(db));

      // A one-hour window two hours on: only the path to the newest point stays.
      PruneResult pruned;
      try (Lock lock = repo.repo.lock(true)) {
        pruned = new Pruner(repo.repo, lock, PruneOptions.defaults()
            .withStreamRetention(StreamRetention.parse("1h"))
            .withClock(Clock.fixed(later, ZoneOffset.UTC)), new Progress()).run();
      }
      assertThat(pruned.streamSegmentsRemoved()).isPositive();
      assertThat(store.list("app", tags.generation())).containsExactlyElementsOf(
          chain(store, tags, head));
      Path replayed = replay(repo, base, head, "pruned.db");
      assertThat(content(replayed)).isEqualTo(content(db));
      assertThat(SqliteStream.sqlite(replayed, "PRAGMA integrity_check;").strip())
          .isEqualTo("ok");
    }
  }

  private static Snapshot base(TestRepo repo) throws Exception {
    return StreamReplay.newestBase(repo, "app");
  }

  /** The restore planner's rule: from each position the longest segment not past the target. */
  private static List<SegmentRef> chain(SegmentStore store, StreamTags from, long target)
      throws Exception {
    TreeMap<Long, SegmentRef> longest = new TreeMap<>();
    for (SegmentRef r : store.list(from.databaseId(), from.generation())) {
      if (r.lastTxid() <= target) {
        longest.merge(r.firstTxid(), r, (a, b) -> a.lastTxid() >= b.lastTxid() ? a : b);
      }
    }
    List<SegmentRef> chain = new ArrayList<>();
    for (long p = from.txid(); p < target; p = chain.get(chain.size() - 1).lastTxid()) {
      SegmentRef next = longest.get(p + 1);
      assertThat(next).as("a segment starting at %d", p + 1).isNotNull();
      chain.add(next);
    }
    return chain;
  }

  private Path replay(TestRepo repo, Snapshot base, long target, String name) throws Exception {
    Path out = tmp.resolve(name);
    repo.restore(base, out);
    byte[] file = Files.readAllBytes(out);
    SegmentStore store = new SegmentStore(repo.repo);
    for (SegmentRef r : chain(store, StreamReplay.tags(base), target)) {
      file = SqliteStream.replay(file, store.load(r));
    }
    return Files.write(out, file);
  }

  private static List<String> content(Path db) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq, hex(v) FROM t ORDER BY seq")) {
      while (rs.next()) {
        rows.add(rs.getLong(1) + ":" + rs.getString(2));
      }
    }
    return rows;
  }
}
