package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Progress;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.BackupResult;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Issue 13, test 2 for RocksDB: tables are immutable, so after two new tables the second backup
 * of a 200-table database reads only those two (and the small files that change in place), and
 * every snapshot restores the database it was taken of.
 */
class UnchangedTablesTest {
  private static final int TABLES = 200;
  private static final int KEYS_PER_TABLE = 40;
  private static final int VALUE_BYTES = 1_000;

  @TempDir Path dir;

  @Test
  void secondBackupReadsOnlyTheNewTables() throws Exception {
    Path dbPath = dir.resolve("db");
    SplittableRandom random = new SplittableRandom(13);
    try (Options o = new Options().setCreateIfMissing(true).setDisableAutoCompactions(true);
        RocksDB db = RocksDB.open(o, dbPath.toString());
        FlushOptions flush = new FlushOptions().setWaitForFlush(true);
        Repository repo = TestRepos.init(dir.resolve("repo"))) {
      for (int t = 0; t < TABLES; t++) {
        writeTable(db, flush, random, t);
      }
      Map<String, Long> before = tables(db);
      assertThat(before).hasSize(TABLES);
      BackupResult first = TestRepos.backup(repo, RocksDbSource.of(db));
      assertThat(first.filesUnchanged()).isZero();
      assertThat(first.bytesRead()).isGreaterThan(sum(before));
      String firstContent = content(db);

      writeTable(db, flush, random, TABLES);
      writeTable(db, flush, random, TABLES + 1);
      Map<String, Long> after = tables(db);
      Map<String, Long> added = new TreeMap<>(after);
      added.keySet().removeAll(before.keySet());
      assertThat(added).hasSize(2);
      assertThat(after).containsAllEntriesOf(before);

      BackupResult second = TestRepos.backup(repo, RocksDbSource.of(db));
      assertThat(second.snapshot().parent()).isEqualTo(first.snapshot().id());
      assertThat(second.filesUnchanged()).isEqualTo(TABLES);
      assertThat(second.bytesUnchanged()).isEqualTo(sum(before));
      // The two new tables plus MANIFEST, OPTIONS, CURRENT and the WAL: a few KiB, while one
      // old table is ~40 KB.
      long smallFiles = second.bytesRead() - sum(added);
      System.out.printf("second backup: %d bytes read (new tables %d, other files %d), %d"
          + " tables (%d bytes) reused%n", second.bytesRead(), sum(added), smallFiles,
          second.filesUnchanged(), second.bytesUnchanged());
      assertThat(smallFiles).as("bytes read besides the new tables").isNotNegative()
          .isLessThan(sum(before) / 100);
      String secondContent = content(db);

      BackupResult forced = TestRepos.backup(repo, BackupOptions.defaults().withForce(true),
          RocksDbSource.of(db));
      assertThat(forced.filesUnchanged()).isZero();
      assertThat(forced.bytesRead()).isGreaterThan(sum(after));

      assertRestores(repo, first, before, firstContent);
      assertRestores(repo, second, after, secondContent);
      assertRestores(repo, forced, after, secondContent);
    }
  }

  @Test
  void aDatabaseCreatedAgainUnderTheSameTableNamesIsReadAgain() throws Exception {
    Path dbPath = dir.resolve("db");
    try (Repository repo = TestRepos.init(dir.resolve("repo"))) {
      Map<String, Long> first = create(dbPath, 1);
      BackupResult a = TestRepos.backup(repo, RocksDbSource.offline(dbPath));
      deleteTree(dbPath);
      Map<String, Long> second = create(dbPath, 2);
      assertThat(second).as("same names and sizes, other content").isEqualTo(first);
      String content;
      try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, dbPath.toString())) {
        content = content(db);
      }

      BackupResult b = TestRepos.backup(repo, RocksDbSource.offline(dbPath));
      assertThat(b.snapshot().parent()).isEqualTo(a.snapshot().id());
      assertThat(b.filesUnchanged()).isZero();
      assertThat(b.bytesRead()).isGreaterThan(sum(second));
      assertRestores(repo, b, second, content);
    }
  }

  @Test
  void theLibraryFacadeSkipsUnchangedTablesUnlessForced() throws Exception {
    Path dbPath = dir.resolve("db");
    Map<String, Long> tables = create(dbPath, 3);
    Progress first = new Progress();
    Progress second = new Progress();
    Progress forced = new Progress();
    Snapshot a;
    Snapshot b;
    try (BulwarkRepository repo = facade(first, BackupOptions.defaults())) {
      a = repo.backup(RocksDbDatabase.at(dbPath));
    }
    try (BulwarkRepository repo = facade(second, BackupOptions.defaults())) {
      b = repo.backup(RocksDbDatabase.at(dbPath));
    }
    try (BulwarkRepository repo = facade(forced, BackupOptions.defaults().withForce(true))) {
      repo.backup(RocksDbDatabase.at(dbPath));
    }
    assertThat(first.unchangedItems()).isZero();
    assertThat(b.parent()).isEqualTo(a.id());
    assertThat(second.unchangedItems()).isEqualTo(tables.size());
    assertThat(second.unchangedBytes()).isEqualTo(sum(tables));
    assertThat(second.doneBytes()).as("skipped bytes count as done")
        .isGreaterThanOrEqualTo(sum(tables));
    assertThat(forced.unchangedItems()).isZero();
  }

  private BulwarkRepository facade(Progress progress, BackupOptions options) throws Exception {
    return Bulwark.repository(dir.resolve("repo")).password(TestRepos.password())
        .createIfMissing(true).keyDerivation(new Kdf.Params(1024, 8, 1)).progress(progress)
        .backupOptions(options).open();
  }

  /** A closed database of 5 uncompressed tables whose sizes do not depend on {@code seed}. */
  private static Map<String, Long> create(Path dbPath, long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    try (Options o = new Options().setCreateIfMissing(true).setDisableAutoCompactions(true)
            .setCompressionType(org.rocksdb.CompressionType.NO_COMPRESSION);
        RocksDB db = RocksDB.open(o, dbPath.toString());
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (int t = 0; t < 5; t++) {
        writeTable(db, flush, random, t);
      }
      return tables(db);
    }
  }

  private static void deleteTree(Path root) throws Exception {
    try (var s = java.nio.file.Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  private void assertRestores(Repository repo, BackupResult r, Map<String, Long> tables,
      String content) throws Exception {
    Path target = dir.resolve("restored-" + r.snapshot().id().shortForm());
    TestRepos.restorer(repo).restore(SnapshotRef.id(r.snapshot().id().toString()), target);
    Map<String, String> restoredTables = new TreeMap<>();
    for (Path p : TestFolders.tables(target)) {
      restoredTables.put("/" + p.getFileName(), TestFolders.sha256(p));
    }
    Map<String, String> liveTables = new TreeMap<>();
    for (String name : tables.keySet()) {
      liveTables.put(name, TestFolders.sha256(dir.resolve("db" + name)));
    }
    assertThat(restoredTables).as("tables of %s", r.snapshot().id().shortForm())
        .isEqualTo(liveTables);
    try (Options o = new Options(); RocksDB restored = RocksDB.openReadOnly(o,
        target.toString())) {
      assertThat(content(restored)).isEqualTo(content);
    }
  }

  private static void writeTable(RocksDB db, FlushOptions flush, SplittableRandom random, int t)
      throws Exception {
    for (int i = 0; i < KEYS_PER_TABLE; i++) {
      byte[] v = new byte[VALUE_BYTES];
      random.nextBytes(v);
      db.put(String.format("key-%05d-%03d", t, i).getBytes(), v);
    }
    db.flush(flush);
  }

  /** Table file name ("/000012.sst", as RocksDB names them) to size. */
  private static Map<String, Long> tables(RocksDB db) {
    Map<String, Long> m = new TreeMap<>();
    for (LiveFileMetaData f : db.getLiveFilesMetaData()) {
      m.put(f.fileName(), f.size());
    }
    return m;
  }

  private static long sum(Map<String, Long> tables) {
    return tables.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A digest of every key and value, with the count. */
  private static String content(RocksDB db) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    long n = 0;
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        md.update(it.key());
        md.update(it.value());
        n++;
      }
    }
    return n + ":" + HexFormat.of().formatHex(md.digest());
  }
}
