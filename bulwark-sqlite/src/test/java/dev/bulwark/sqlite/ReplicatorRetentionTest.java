package dev.bulwark.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.core.prune.StreamPruner;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.retention.StreamRetention;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayPlanner;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SegmentStore;
import dev.bulwark.core.stream.StreamPosition;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streamed database's own retention ({@code stream: {retention: ...}}, applied by its
 * replicator through {@link StreamPruner}): old segments of that stream go, the newest point
 * stays restorable, and another database's stream in the same repository is not touched.
 */
class ReplicatorRetentionTest {
  @TempDir Path tmp;

  private Path database(String name) throws Exception {
    Path db = tmp.resolve(name + ".db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(v BLOB)");
    }
    return db;
  }

  private static void burst(Connection c) throws Exception {
    try (Statement s = c.createStatement()) {
      for (int i = 0; i < 5; i++) {
        s.execute("INSERT INTO t VALUES (randomblob(2000))");
      }
    }
  }

  private Replicator replicate(TestRepo repo, Path db, String id) throws Exception {
    return SqliteSource.of(db).replicate(repo.repo, ReplicationOptions.defaults()
        .withDatabaseId(id).withStateDir(tmp.resolve("state-" + id))
        .withSyncInterval(Duration.ofMillis(50)).withSnapshotInterval(Duration.ZERO));
  }

  @Test
  void oldSegmentsOfOneStreamGoAndItsNewestPointStaysRestorable() throws Exception {
    Path app = database("app");
    Path other = database("other");
    try (TestRepo repo = TestRepo.init(tmp.resolve("repo"));
        Connection a = DriverManager.getConnection("jdbc:sqlite:" + app);
        Connection o = DriverManager.getConnection("jdbc:sqlite:" + other);
        Replicator ra = replicate(repo, app, "app");
        Replicator ro = replicate(repo, other, "other")) {
      for (int i = 0; i < 4; i++) {
        burst(a);
        ra.awaitDurable(Duration.ofSeconds(20));
        burst(o);
        ro.awaitDurable(Duration.ofSeconds(20));
      }
      long folded = StreamReplay.tags(ra.snapshot()).txid();
      for (int i = 0; i < 3; i++) {
        burst(a);
        ra.awaitDurable(Duration.ofSeconds(20));
      }
      StreamPosition newest = ra.lastShippedPosition().orElseThrow();
      SegmentStore store = new SegmentStore(repo.repo);
      List<SegmentRef> otherBefore = store.list("other",
          ro.lastShippedPosition().orElseThrow().generation());

      try (Lock shared = repo.repo.lock(false)) {
        assertThrows(IllegalArgumentException.class, () -> new StreamPruner(repo.repo, "app",
            StreamRetention.within(Duration.ofSeconds(1))).run(shared, Instant.now()));
      }
      int removed;
      try (Lock lock = repo.repo.lock(true)) {
        removed = new StreamPruner(repo.repo, "app", StreamRetention.within(
            Duration.ofSeconds(1))).run(lock, Instant.now().plus(Duration.ofHours(1)));
      }

      List<SegmentRef> appAfter = store.list("app", newest.generation());
      assertTrue(removed > 0, "old segments went");
      assertTrue(appAfter.stream().allMatch(r -> r.firstTxid() > folded),
          "only what replays from the folded snapshot at " + folded + " stays: " + appAfter);
      assertEquals(otherBefore, store.list("other",
          ro.lastShippedPosition().orElseThrow().generation()), "another stream is untouched");
      List<Snapshot> appSnapshots = repo.repo.snapshots().stream()
          .filter(s -> StreamReplay.tags(s).databaseId().equals("app")).toList();
      ReplayPlan plan = new ReplayPlanner(repo.repo).plan(appSnapshots, ReplayTarget.newest())
          .orElseThrow();
      assertEquals(newest, plan.reached(), "the newest point still restores");
    }
  }
}
