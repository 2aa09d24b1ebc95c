package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.restore.DatabaseRestorer;
import dev.bulwark.core.testing.Slow;
import dev.bulwark.core.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** (e) A closed database backed up by path restores byte for byte, with Bulwark and restic. */
class OfflineBackupTest {
  @TempDir Path dir;

  @Test
  @Slow
  void closedDatabaseBackedUpByPathRestoresByteIdenticalAndOpens() throws Exception {
    Path db = dir.resolve("srv/db");
    long sequence = createWithColumnFamilies(db);
    Map<String, String> original = TestFolders.hashes(db);
    assertThat(original.keySet()).anyMatch(n -> n.endsWith(".sst"))
        .anyMatch(n -> n.endsWith(".log")).contains("CURRENT", "LOCK");

    try (Repository repo = TestRepos.init(dir.resolve("repo"))) {
      BackupResult r = TestRepos.backup(repo, RocksDbSource.offline(db));
      assertThat(TestFolders.hashes(db)).as("the backup left the database untouched")
          .isEqualTo(original);
      assertThat(r.snapshot().paths()).containsExactly(db.toString());
      DatabaseTags tags = DatabaseTags.fromTags(r.snapshot().tags()).orElseThrow();
      assertThat(tags.kind()).isEqualTo("rocksdb");
      assertThat(tags.path()).isEqualTo(db.toString());
      assertThat(tags.properties()).containsEntry("sequence", Long.toString(sequence))
          .containsEntry("column-families", "3").containsEntry("capture", "offline");

      Path target = dir.resolve("elsewhere/restored");
      DatabaseRestorer.Result res = TestRepos.restorer(repo)
          .restore(SnapshotRef.id(r.snapshot().id().toString()), target);
      assertThat(res.previous()).isEmpty();
      assertThat(TestFolders.hashes(target)).as("restored files").isEqualTo(original);
      assertThat(TestFolders.names(target.getParent())).containsExactly("restored");
      assertContent(target, sequence);

      // restic, the independent way back, restores the same bytes under the original path.
      Path resticOut = dir.resolve("restic-out");
      Tools.run(dir, Map.of("RESTIC_PASSWORD", TestRepos.PASSWORD),
          Tools.require("restic").toString(), "-r", dir.resolve("repo").toString(), "--no-cache",
          "restore", r.snapshot().id().toString(), "--target", resticOut.toString());
      assertThat(TestFolders.hashes(resticOut.resolve(db.toString().substring(1))))
          .isEqualTo(original);
    }
  }

  @Test
  void offlineBackupFailsIfTheDatabaseChangesWhileItIsRead() throws Exception {
    Path db = dir.resolve("db");
    VersionedDb.create(db, "v1", 2_000, 100);
    try (SourceView view = RocksDbSource.offline(db).open()) {
      List<String> visited = new ArrayList<>();
      assertThatThrownBy(() -> view.visit(e -> {
        if (visited.isEmpty()) {
          // A service starting mid-backup: opening writes a new MANIFEST, WAL and OPTIONS.
          try (Options o = new Options(); RocksDB live = RocksDB.open(o, db.toString())) {
            live.put("new".getBytes(StandardCharsets.UTF_8), new byte[10]);
          } catch (org.rocksdb.RocksDBException ex) {
            throw new AssertionError(ex);
          }
        }
        visited.add(e.path().toString());
      })).isInstanceOf(SourceException.class)
          .hasMessageContaining("changed while it was being backed up");
    }
  }

  /** Three column families; some data flushed, some only in the WAL. Returns the sequence. */
  private static long createWithColumnFamilies(Path db) throws Exception {
    java.nio.file.Files.createDirectories(db);
    try (ColumnFamilyOptions cfo = new ColumnFamilyOptions();
        DBOptions o = new DBOptions().setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true);
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      List<ColumnFamilyDescriptor> cfs = List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo),
          new ColumnFamilyDescriptor(bytes("users"), cfo),
          new ColumnFamilyDescriptor(bytes("events"), cfo));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (RocksDB rdb = RocksDB.open(o, db.toString(), cfs, handles)) {
        try {
          for (int i = 0; i < 3_000; i++) {
            ColumnFamilyHandle h = handles.get(i % 3);
            rdb.put(h, bytes("key-" + i), VersionedDb.value("e", i, 200));
            if (i == 2_000) {
              rdb.flush(flush, handles);
            }
          }
          return rdb.getLatestSequenceNumber();
        } finally {
          handles.forEach(ColumnFamilyHandle::close);
        }
      }
    }
  }

  private static void assertContent(Path db, long sequence) throws Exception {
    try (ColumnFamilyOptions cfo = new ColumnFamilyOptions(); DBOptions o = new DBOptions()) {
      List<ColumnFamilyDescriptor> cfs = List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo),
          new ColumnFamilyDescriptor(bytes("users"), cfo),
          new ColumnFamilyDescriptor(bytes("events"), cfo));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (RocksDB rdb = RocksDB.openReadOnly(o, db.toString(), cfs, handles)) {
        try {
          rdb.verifyChecksum();
          assertThat(rdb.getLatestSequenceNumber()).isEqualTo(sequence);
          for (int i = 0; i < 3_000; i++) {
            assertThat(rdb.get(handles.get(i % 3), bytes("key-" + i))).as("key-%d", i)
                .isEqualTo(VersionedDb.value("e", i, 200));
          }
        } finally {
          handles.forEach(ColumnFamilyHandle::close);
        }
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
