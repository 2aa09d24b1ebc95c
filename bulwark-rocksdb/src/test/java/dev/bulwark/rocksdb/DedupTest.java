package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.repo.Repository;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * (b) Table files are immutable, so a second snapshot after 1% new keys stores the new table
 * and the small changing files, not the database again.
 */
class DedupTest {
  private static final int KEYS = 64_000;
  private static final int VALUE_BYTES = 1_000;

  @TempDir Path dir;

  @Test
  void secondSnapshotAfterOnePercentNewKeysStoresOnlyTheNewTables() throws Exception {
    Path dbPath = dir.resolve("db");
    Path repoDir = dir.resolve("repo");
    SplittableRandom random = new SplittableRandom(7);
    // Level compaction with a trigger of 8 level-0 files: the one new table after the first
    // snapshot is not compacted into the old ones, as in a large database between compactions.
    try (Options o = new Options().setCreateIfMissing(true).setWriteBufferSize(8 << 20)
            .setTargetFileSizeBase(8 << 20).setLevel0FileNumCompactionTrigger(8);
        RocksDB db = RocksDB.open(o, dbPath.toString());
        FlushOptions flush = new FlushOptions().setWaitForFlush(true);
        Repository repo = TestRepos.init(repoDir)) {
      write(db, random, 0, KEYS);
      db.flush(flush);
      db.compactRange();
      List<String> tablesBefore = tables(db);
      long tableBytes = db.getLiveFilesMetaData().stream().mapToLong(LiveFileMetaData::size)
          .sum();

      BackupResult first = TestRepos.backup(repo, RocksDbSource.of(db));
      long repoAfterFirst = TestFolders.size(repoDir);

      write(db, random, KEYS, KEYS / 100);
      db.flush(flush);
      List<String> tablesAfter = tables(db);
      assertThat(tablesAfter).as("old tables untouched").containsAll(tablesBefore)
          .hasSizeGreaterThan(tablesBefore.size());

      BackupResult second = TestRepos.backup(repo, RocksDbSource.of(db));
      long growth = TestFolders.size(repoDir) - repoAfterFirst;
      System.out.printf("database: %d tables, %.1f MiB; first snapshot: %d files, %.1f MiB"
          + " read, %.1f MiB added (repository %.1f MiB)%n", tablesBefore.size(),
          mib(tableBytes), first.files(), mib(first.bytesRead()), mib(first.bytesAdded()),
          mib(repoAfterFirst));
      System.out.printf("after 1%% new keys: %d tables; second snapshot: %d files, %.1f MiB"
          + " read, %d new blobs, %.2f MiB added; repository grew %.2f MiB = %.2f%% of the"
          + " first%n", tablesAfter.size(), second.files(), mib(second.bytesRead()),
          second.newBlobs(), mib(second.bytesAdded()), mib(growth), 100.0 * growth
          / repoAfterFirst);
      assertThat(tableBytes).as("a database big enough to mean something")
          .isGreaterThan(50L << 20);
      assertThat(growth).as("repository growth").isLessThan(repoAfterFirst / 10);
      // The second snapshot covers a bigger database, but reads only what is new (issue 13).
      assertThat(second.bytesRead() + second.bytesUnchanged()).isGreaterThan(first.bytesRead());
      assertThat(second.bytesRead()).isLessThan(first.bytesRead() / 10);
    }
  }

  private static void write(RocksDB db, SplittableRandom random, int from, int count)
      throws Exception {
    try (WriteOptions wo = new WriteOptions().setDisableWAL(false)) {
      for (int start = from; start < from + count; start += 1_000) {
        try (WriteBatch b = new WriteBatch()) {
          for (int i = start; i < Math.min(from + count, start + 1_000); i++) {
            byte[] v = new byte[VALUE_BYTES];
            random.nextBytes(v);
            b.put(String.format("key-%08d", i).getBytes(), v);
          }
          db.write(wo, b);
        }
      }
    }
  }

  private static List<String> tables(RocksDB db) {
    return db.getLiveFilesMetaData().stream().map(LiveFileMetaData::fileName).sorted().toList();
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }
}
