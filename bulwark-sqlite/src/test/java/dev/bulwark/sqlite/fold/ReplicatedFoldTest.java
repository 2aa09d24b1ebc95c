package dev.bulwark.sqlite.fold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.stream.FoldResult;
import dev.bulwark.core.stream.PlannedSegment;
import dev.bulwark.core.stream.ReplayPlan;
import dev.bulwark.core.stream.ReplayPlanner;
import dev.bulwark.core.stream.ReplayTarget;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.stream.SnapshotFolder;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.Tools;
import dev.bulwark.sqlite.SqliteKind;
import dev.bulwark.sqlite.SqliteSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot folded from the stream the real replicator shipped (inserts, updates, deletes and
 * a VACUUM, in WAL mode) is byte for byte the database a point-in-time restore replays to; real
 * restic 0.14 restores it, sqlite3 finds it intact with the database's rows, {@code check
 * --read-data} passes, and a restore after the fold starts from the folded snapshot.
 */
@Slow
class ReplicatedFoldTest {
  @TempDir Path dir;

  @Test
  void aSnapshotFoldedFromTheReplicatorsStreamIsWhatReplayGives() throws Exception {
    Path restic = Tools.require("restic");
    Path sqlite3 = Tools.require("sqlite3");
    Path db = dir.resolve("app.db");
    Path repoDir = dir.resolve("repo");
    FoldResult fold;
    ReplayPlan plan;
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir));
        Connection w = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = w.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
      s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
          + " INSERT INTO t SELECT i, randomblob(300) FROM n");
      ReplicationOptions options = ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofMillis(50)).withStateDir(dir.resolve("state"))
          .withDatabaseId("app");
      try (Replicator r = SqliteSource.of(db).replicate(repo, options)) {
        for (int round = 0; round < 8; round++) {
          s.execute("UPDATE t SET v = randomblob(300) WHERE id % 97 = " + round);
          s.execute("INSERT INTO t SELECT id + 100000 * " + (round + 1)
              + ", randomblob(500) FROM t WHERE id < 40");
          r.awaitDurable(Duration.ofSeconds(20));
        }
        s.execute("DELETE FROM t WHERE id % 2 = 0");
        s.execute("VACUUM");
        r.awaitDurable(Duration.ofSeconds(20));
        s.execute("UPDATE t SET v = randomblob(100) WHERE id < 500");
        r.awaitDurable(Duration.ofSeconds(20));
      }
      DatabaseRestorer restorer = new DatabaseRestorer(repo, new SqliteKind(), 2,
          new Progress());
      Path replayed = dir.resolve("replayed.db");
      plan = restorer.restore(ReplayTarget.newest(), db, replayed).replay().orElseThrow();
      assertThat(plan.segments()).hasSizeGreaterThan(3);
      assertThat(plan.start().txid()).isZero();
      List<PlannedSegment> planned = plan.segments();
      Path spill = Files.createDirectories(dir.resolve("spill"));
      try (Lock lock = repo.lock(false)) {
        // A budget of 16 pages, far below what the segments change: the spill file is used.
        fold = new SnapshotFolder(repo, BackupOptions.defaults(), 16 * 4096, spill).fold(lock,
            plan.snapshot(), planned.stream().map(PlannedSegment::ref).toList());
      }
      assertThat(fold.position()).isEqualTo(plan.reached());
      try (var left = Files.list(spill)) {
        assertThat(left).isEmpty();
      }
      // Each chunk of the folded file that differs from the base's is stored once, however
      // many segments wrote it (the VACUUM shrank the file: chunks past its end are dropped).
      Path baseDb = dir.resolve("base.db");
      new Restorer(repo, 2, new Progress()).restorePath(plan.snapshot(), db.toString(), baseDb);
      int chunk = BackupOptions.defaults().chunkBytesFor(4096);
      byte[] folded = Files.readAllBytes(replayed);
      assertThat(fold.chunksWritten()).isEqualTo(SnapshotFolderTest.changedChunks(
          Files.readAllBytes(baseDb), folded, chunk).stream()
          .filter(k -> (long) k * chunk < folded.length).count());

      // A restore now starts from the folded snapshot and has nothing left to replay.
      Path after = dir.resolve("after.db");
      ReplayPlan again = restorer.restore(ReplayTarget.newest(), db, after).replay()
          .orElseThrow();
      assertThat(again.snapshot().id()).isEqualTo(fold.snapshot().id());
      assertThat(again.segments()).isEmpty();
      assertThat(Files.readAllBytes(after)).isEqualTo(Files.readAllBytes(replayed));
    }

    Map<String, String> env = Map.of("RESTIC_PASSWORD",
        new String(TestRepositories.PASSWORD, StandardCharsets.UTF_8),
        "RESTIC_CACHE_DIR", dir.resolve("cache").toString());
    assertThat(Tools.run(dir, env, restic.toString(), "-r", repoDir.toString(), "--no-cache",
        "check", "--read-data")).contains("no errors were found");
    Path out = dir.resolve("out");
    Tools.run(dir, env, restic.toString(), "-r", repoDir.toString(), "--no-cache", "restore",
        fold.snapshot().id().toString(), "--target", out.toString());
    Path restored = out.resolve(db.toString().substring(1));
    assertThat(Files.readAllBytes(restored)).isEqualTo(Files.readAllBytes(
        dir.resolve("replayed.db")));
    assertThat(Tools.run(dir, Map.of(), sqlite3.toString(), restored.toString(),
        "PRAGMA integrity_check").strip()).isEqualTo("ok");
    assertThat(rows(restored)).isEqualTo(rows(db));
  }

  private static List<String> rows(Path db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, hex(v) FROM t ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + "|" + rs.getString(2));
      }
    }
    return out;
  }
}
