package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.FileType;
import dev.bulwark.core.Progress;
import dev.bulwark.core.copy.CopyOptions;
import dev.bulwark.core.copy.CopyResult;
import dev.bulwark.core.copy.SnapshotCopier;
import dev.bulwark.core.copy.SnapshotCopy;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot of a real SQLite database copied through the library API: the copy restores
 * (verified, as every database restore) byte-identical to a restore from the source, restic
 * checks the target, and a second copy writes nothing.
 */
class SnapshotCopySqliteTest {
  @TempDir Path dir;

  @Test
  void copiedDatabaseSnapshotRestoresIdenticalAndASecondCopyWritesNothing() throws Exception {
    Path restic = Tools.require("restic");
    Path db = Files.createDirectories(dir.resolve("srv")).resolve("ledger.db");
    Bank.create(db, "wal", 300, "copy");
    try (TestRepo a = TestRepo.init(dir.resolve("a"));
        TestRepo b = TestRepo.init(dir.resolve("b"))) {
      Snapshot s = a.backup(SqliteSource.of(db)).snapshot();
      CopyOptions options = CopyOptions.defaults().withThreads(2).withPackBytes(1 << 20);

      CopyResult first;
      try (Lock la = a.repo.lock(false); Lock lb = b.repo.lock(false)) {
        first = new SnapshotCopier(a.repo, b.repo, options, new Progress())
            .copy(la, lb, List.of(s), c -> { });
      }
      Snapshot copy = first.snapshots().get(0).target();
      assertThat(copy.original()).isEqualTo(s.id());
      assertThat(copy.tags()).isEqualTo(s.tags());
      List<?> packs = b.repo.list(FileType.PACK);

      CopyResult second;
      try (Lock la = a.repo.lock(false); Lock lb = b.repo.lock(false)) {
        second = new SnapshotCopier(a.repo, b.repo, options, new Progress())
            .copy(la, lb, List.of(s), c -> { });
      }
      assertThat(second.snapshots().get(0).outcome())
          .isEqualTo(SnapshotCopy.Outcome.ALREADY_PRESENT);
      assertThat(b.repo.list(FileType.SNAPSHOT)).containsExactly(copy.id());
      assertThat(b.repo.list(FileType.PACK)).hasSameElementsAs(packs.stream()
          .map(dev.bulwark.core.Id.class::cast).toList());

      Path fromA = dir.resolve("restored-a/ledger.db");
      Path fromB = dir.resolve("restored-b/ledger.db");
      Files.createDirectories(fromA.getParent());
      Files.createDirectories(fromB.getParent());
      a.restore(s, fromA);
      b.restore(copy, fromB);
      assertThat(Files.readAllBytes(fromB)).isEqualTo(Files.readAllBytes(fromA));
      assertThat(Bank.audit(fromB).total()).isEqualTo(Bank.TOTAL);
    }
    Map<String, String> env = Map.of("RESTIC_PASSWORD", TestRepo.PASSWORD,
        "RESTIC_CACHE_DIR", dir.resolve("cache").toString());
    assertThat(Tools.run(dir, env, restic.toString(), "-r", dir.resolve("b").toString(),
        "--no-cache", "check", "--read-data")).contains("no errors were found");
  }
}
