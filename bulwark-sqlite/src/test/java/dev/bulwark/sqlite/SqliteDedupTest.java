package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.testing.Slow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Page-aligned chunks pay off: after 1% of the rows of a database change, the next snapshot
 * stores little more than the pages that changed.
 */
@Slow
class SqliteDedupTest {
  private static final int ROWS = 20_000;
  private static final int ROW_BYTES = 1_000;
  private static final int[] CHUNK_SIZES = {4 * 1024, 16 * 1024, 64 * 1024};

  @TempDir Path dir;

  @Test
  void secondSnapshotAfterUpdatingOnePercentOfRowsStoresFarLess() throws Exception {
    Path db = dir.resolve("rows.db");
    try (Connection c = Bank.connect(db); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=wal");
      s.execute("CREATE TABLE rows(id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
      c.setAutoCommit(false);
      try (PreparedStatement p = c.prepareStatement("INSERT INTO rows VALUES(?, randomblob(?))")) {
        for (int i = 1; i <= ROWS; i++) {
          p.setInt(1, i);
          p.setInt(2, ROW_BYTES);
          p.executeUpdate();
        }
      }
      c.commit();
    }
    List<TestRepo> repos = new ArrayList<>();
    Map<Integer, long[]> added = new LinkedHashMap<>();
    try {
      for (int chunk : CHUNK_SIZES) {
        TestRepo repo = TestRepo.init(dir.resolve("repo-" + chunk));
        repos.add(repo);
        added.put(chunk, new long[] {backup(repo, chunk, db), 0});
      }
      try (Connection c = Bank.connect(db);
          PreparedStatement p = c.prepareStatement(
              "UPDATE rows SET data = randomblob(?) WHERE id = ?")) {
        c.setAutoCommit(false);
        Random random = new Random(11);
        for (int i = 0; i < ROWS / 100; i++) {
          p.setInt(1, ROW_BYTES);
          p.setInt(2, 1 + random.nextInt(ROWS));
          p.executeUpdate();
        }
        c.commit();
      }
      for (int i = 0; i < CHUNK_SIZES.length; i++) {
        added.get(CHUNK_SIZES[i])[1] = backup(repos.get(i), CHUNK_SIZES[i], db);
      }
    } finally {
      for (TestRepo r : repos) {
        r.close();
      }
    }
    System.out.println("chunk size | first snapshot | after 1% of rows changed | ratio");
    added.forEach((chunk, bytes) -> System.out.printf("%7d KiB | %11d B | %21d B | %5.1f%%%n",
        chunk / 1024, bytes[0], bytes[1], 100.0 * bytes[1] / bytes[0]));
    long[] pageSized = added.get(4 * 1024);
    assertThat(pageSized[0]).as("first snapshot stores the whole database")
        .isGreaterThan((long) ROWS * ROW_BYTES * 9 / 10);
    assertThat(pageSized[1]).as("page-sized chunks: second snapshot stores about the changed"
        + " pages").isLessThan(pageSized[0] / 10);
  }

  private static long backup(TestRepo repo, int chunk, Path db) throws Exception {
    return repo.backup(BackupOptions.defaults().withThreads(2).withChunkBytes(chunk),
        SqliteSource.of(db)).bytesAdded();
  }
}
