package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.repo.DatabaseTags;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BuiltinComparator;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** What verification accepts and refuses, without a repository in the way. */
class VerifyTest {
  @TempDir Path dir;

  @Test
  void databaseWithABuiltInComparatorAndMergeOperatorVerifies() throws Exception {
    Path db = dir.resolve("db");
    try (Options o = new Options().setCreateIfMissing(true)
            .setComparator(BuiltinComparator.REVERSE_BYTEWISE_COMPARATOR)
            .setMergeOperatorName("uint64add");
        RocksDB rdb = RocksDB.open(o, db.toString())) {
      for (int i = 0; i < 100; i++) {
        rdb.merge(("counter-" + i % 7).getBytes(StandardCharsets.UTF_8),
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(i).array());
      }
    }
    Map<String, String> before = TestFolders.hashes(db);
    new RocksDbKind().verify(db);
    try (SourceView view = RocksDbSource.offline(db).open()) {
      assertThat(DatabaseTags.fromTags(view.tags()).orElseThrow().properties())
          .containsEntry("sequence", "100");
    }
    assertThat(TestFolders.hashes(db)).as("verification writes nothing").isEqualTo(before);
  }

  @Test
  void missingTableFileIsNamed() throws Exception {
    Path db = dir.resolve("db");
    VersionedDb.create(db, "v", 2_000, 100);
    Path sst = TestFolders.tables(db).get(0);
    Files.delete(sst);
    assertThatThrownBy(() -> new RocksDbKind().verify(db))
        .isInstanceOf(CorruptionException.class)
        .hasMessageStartingWith("the restored RocksDB database failed verification: ")
        .hasMessageContaining(sst.toString());
  }
}
