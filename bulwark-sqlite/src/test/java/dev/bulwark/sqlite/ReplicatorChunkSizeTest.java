package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.BlobType;
import dev.bulwark.core.Id;
import dev.bulwark.core.Progress;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import dev.bulwark.core.testing.TestRepositories;
import dev.bulwark.core.tree.Node;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream's snapshots are cut with the chunk size its options give, so that a database
 * whose backups use 8 KiB chunks (issue 11's choice for scattered updates) gets the same
 * chunks from its stream and shares them.
 */
class ReplicatorChunkSizeTest {
  @TempDir Path dir;

  @Test
  void aGenerationsSnapshotIsCutWithTheConfiguredChunkSize() throws Exception {
    assertThat(chunkSizes(8192)).as("8 KiB chunks").hasSizeGreaterThan(4)
        .allMatch(n -> n == 8192);
    assertThat(chunkSizes(32768)).as("the default, 32 KiB").hasSizeGreaterThan(1)
        .allMatch(n -> n == 32768);
  }

  /** The plaintext sizes of the generation snapshot's chunks of the database, the last left out. */
  private List<Integer> chunkSizes(int chunkBytes) throws Exception {
    Path run = dir.resolve("run-" + chunkBytes);
    Path db = run.resolve("app.db");
    try (Repository repo = TestRepositories.init(LocalBackend.open(run.resolve("repo")));
        Connection w = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = w.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)");
      s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
          + " INSERT INTO t SELECT i, randomblob(300) FROM n");
      ReplicationOptions options = ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofMillis(50)).withStateDir(run.resolve("state"))
          .withDatabaseId("app").withPageChunkBytes(chunkBytes);
      assertThat(options.pageChunkBytes()).isEqualTo(chunkBytes);
      try (Replicator r = SqliteSource.of(db).replicate(repo, options)) {
        s.execute("INSERT INTO t VALUES (1000, randomblob(10))");
        r.awaitDurable(Duration.ofSeconds(20));
      }
      List<Snapshot> snapshots = repo.snapshots();
      assertThat(snapshots).as("the generation's first snapshot").hasSize(1);
      Node node = new Restorer(repo, 2, new Progress()).findNode(snapshots.get(0),
          db.toString());
      List<Id> content = new ArrayList<>(node.content());
      content.remove(content.size() - 1);
      List<Integer> sizes = new ArrayList<>();
      for (Id id : content) {
        sizes.add(repo.index().find(BlobType.DATA, id).orElseThrow().blob().plaintextLength());
      }
      return sizes;
    }
  }
}
