package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.fs.FileTrees;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.DatabaseRestorer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** One {@link RocksDbDatabase} backs a RocksDB database up and restores it, via the facade. */
class LibraryRocksDbTest {
  @TempDir Path dir;

  private BulwarkRepository open() throws Exception {
    return Bulwark.repository(dir.resolve("repo"))
        .password(TestRepos.PASSWORD.getBytes(StandardCharsets.UTF_8)).createIfMissing(true)
        .keyDerivation(new Kdf.Params(1024, 8, 1)).open();
  }

  @Test
  void oneObjectBacksUpAndRestoresOpenAndClosedDatabases() throws Exception {
    Path db = dir.resolve("srv/chain");
    VersionedDb.create(db, "v1", 2_000, 100);
    try (BulwarkRepository repo = open()) {
      Snapshot closed = repo.backup(RocksDbDatabase.at(db));
      Snapshot live;
      try (Options o = new Options(); RocksDB handle = RocksDB.open(o, db.toString())) {
        RocksDbDatabase open = RocksDbDatabase.of(handle);
        assertThat(open.path()).isEqualTo(db);
        live = repo.backup(open);
      }
      assertThat(repo.snapshots(RocksDbDatabase.at(db))).extracting(Snapshot::id)
          .containsExactly(closed.id(), live.id());

      FileTrees.deleteRecursively(db);
      DatabaseRestorer.Result r = repo.restoreIfMissing(RocksDbDatabase.at(db));
      assertThat(r.outcome()).isEqualTo(DatabaseRestorer.Outcome.RESTORED);
      assertThat(r.snapshot()).map(Snapshot::id).contains(live.id());
      assertThat(VersionedDb.check(db)).isEqualTo("v1");

      DatabaseRestorer.Result back = repo.restore(RocksDbDatabase.at(db),
          SnapshotRef.id(closed.id().toString()));
      assertThat(back.previous()).isPresent();
      assertThat(VersionedDb.check(db)).isEqualTo("v1");
      assertThat(VersionedDb.check(back.previous().orElseThrow())).isEqualTo("v1");
    }
  }
}
