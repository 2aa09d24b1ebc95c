package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.copy.CopyOptions;
import dev.bulwark.core.copy.SnapshotCopier;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.stream.ReplicationOptions;
import dev.bulwark.core.stream.Replicator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streamed database's snapshots copied to another repository: {@code copy} moves snapshots,
 * not the stream's segments, and the target restores the newest copied snapshot as it is
 * rather than failing on the stream tags it carries.
 */
class CopyOfAStreamedDatabaseTest {
  @TempDir Path dir;

  @Test
  void theTargetRestoresTheCopiedSnapshotOfAStreamedDatabase() throws Exception {
    Path db = Files.createDirectories(dir.resolve("srv")).resolve("ledger.db");
    Bank.create(db, "wal", 100, "stream");
    try (TestRepo a = TestRepo.init(dir.resolve("a"));
        TestRepo b = TestRepo.init(dir.resolve("b"))) {
      Replicator r = SqliteSource.of(db).replicate(a.repo, ReplicationOptions.defaults()
          .withSyncInterval(Duration.ofMillis(100)).withStateDir(dir.resolve("state")));
      try (Connection c = Bank.connect(db)) {
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
          Bank.transfer(c, random);
        }
      }
      r.awaitDurable(Duration.ofSeconds(30));
      r.close();
      var snapshots = a.repo.snapshots();
      assertThat(snapshots).isNotEmpty();
      try (Lock la = a.repo.lock(false); Lock lb = b.repo.lock(false)) {
        new SnapshotCopier(a.repo, b.repo, CopyOptions.defaults().withThreads(2),
            new Progress()).copy(la, lb, snapshots, x -> { });
      }
      Path out = dir.resolve("out/ledger.db");
      Files.createDirectories(out.getParent());
      DatabaseRestorer.Result res = new DatabaseRestorer(b.repo, new SqliteKind(), 2,
          new Progress()).restore(SnapshotRef.latest(), db, out);
      assertThat(res.outcome()).isEqualTo(DatabaseRestorer.Outcome.RESTORED);
      assertThat(res.snapshot().orElseThrow().original())
          .isEqualTo(snapshots.get(snapshots.size() - 1).id());
      assertThat(res.replay().map(p -> p.segments()).orElse(java.util.List.of()))
          .as("the target has no stream segments to replay").isEmpty();
      assertThat(Bank.audit(out).consistent()).isTrue();
    }
  }
}
