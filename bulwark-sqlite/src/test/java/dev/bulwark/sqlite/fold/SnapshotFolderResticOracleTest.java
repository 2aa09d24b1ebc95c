package dev.bulwark.sqlite.fold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.stream.FoldResult;
import dev.bulwark.core.stream.SegmentRef;
import dev.bulwark.core.stream.SnapshotFolder;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Sqlite;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real restic 0.14 and sqlite3 as oracles for folded snapshots: restic restores a snapshot
 * folded from a stream (changes, growth and a shrink) to the database's bytes at that position,
 * sqlite3 finds it intact, and {@code restic check --read-data} passes on the repository that
 * holds the stream and both snapshots.
 */
@Slow
class SnapshotFolderResticOracleTest {
  @TempDir Path dir;

  @Test
  void resticRestoresAFoldedSnapshotThatSqlite3FindsIntact() throws Exception {
    Path restic = Tools.require("restic");
    Path sqlite3 = Tools.require("sqlite3");
    Path repoDir = dir.resolve("repo");
    BackupOptions options = TestRepositories.OPTIONS.withChunkBytes(32 * 1024);
    Snapshot folded;
    byte[] expected;
    Path image;
    try (Repository repo = TestRepositories.init(LocalBackend.open(repoDir))) {
      HandMadeStream stream = new HandMadeStream(repo, dir, 4096);
      image = stream.image;
      Sqlite.sql(stream.db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, w BLOB)",
          "CREATE INDEX t_v ON t(v)",
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
              + " INSERT INTO t SELECT i, hex(randomblob(16)), randomblob(300) FROM n");
      Snapshot base = stream.startSnapshot(options);
      List<SegmentRef> refs = List.of(
          stream.change(3, "UPDATE t SET v = hex(randomblob(16)) WHERE id % 50 = 0"),
          stream.change(1, "WITH RECURSIVE n(i) AS (SELECT 5001 UNION ALL SELECT i + 1 FROM n"
              + " WHERE i < 9000) INSERT INTO t SELECT i, hex(randomblob(16)), randomblob(300)"
              + " FROM n"),
          stream.change(2, "DELETE FROM t WHERE id % 3 = 0", "VACUUM"),
          stream.change(1, "UPDATE t SET w = randomblob(100) WHERE id < 200"));
      Path spill = Files.createDirectories(dir.resolve("spill"));
      FoldResult r;
      try (Lock lock = repo.lock(false)) {
        // A budget of 16 pages: most changed pages go through the spill file.
        r = new SnapshotFolder(repo, options, 16 * 4096, spill).fold(lock, base, refs);
        folded = r.snapshot();
      }
      expected = stream.copyAt(7);
      // Four segments touching many chunks more than once: each changed chunk stored once.
      assertThat(r.chunksWritten()).isEqualTo(SnapshotFolderTest.changedChunks(stream.copyAt(0),
          expected, options.chunkBytesFor(4096)).size());
      try (var left = Files.list(spill)) {
        assertThat(left).isEmpty();
      }
    }

    Map<String, String> env = Map.of("RESTIC_PASSWORD",
        new String(TestRepositories.PASSWORD, StandardCharsets.UTF_8),
        "RESTIC_CACHE_DIR", dir.resolve("cache").toString());
    String check = Tools.run(dir, env, restic.toString(), "-r", repoDir.toString(), "--no-cache",
        "check", "--read-data");
    assertThat(check).contains("no errors were found");
    Path out = dir.resolve("out");
    Tools.run(dir, env, restic.toString(), "-r", repoDir.toString(), "--no-cache", "restore",
        folded.id().toString(), "--target", out.toString());
    Path restored = out.resolve(image.toString().substring(1));
    assertThat(Files.readAllBytes(restored)).isEqualTo(expected);
    assertThat(Tools.run(dir, Map.of(), sqlite3.toString(), restored.toString(),
        "PRAGMA integrity_check").strip()).isEqualTo("ok");
    assertThat(Tools.run(dir, Map.of(), sqlite3.toString(), restored.toString(),
        "SELECT count(*) FROM t").strip()).isEqualTo("6000");
  }
}
