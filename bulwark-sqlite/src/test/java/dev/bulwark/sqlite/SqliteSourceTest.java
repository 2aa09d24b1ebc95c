package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Progress;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.backup.SourceEntry;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.restore.Restorer;
import dev.bulwark.core.testing.Slow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What a SQLite source yields, and what it leaves behind (nothing). */
class SqliteSourceTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"wal", "delete"})
  void viewHoldsOneFileAlignedToThePageSizeWithMode0600AndDatabaseTags(String journalMode)
      throws Exception {
    Path db = dir.resolve("app.db");
    try (Connection c = Bank.connect(db); Statement s = c.createStatement()) {
      s.execute("PRAGMA page_size=8192");
      s.execute("PRAGMA journal_mode=" + journalMode);
      s.execute("PRAGMA user_version=42");
      s.execute("PRAGMA wal_autocheckpoint=0");
      s.execute("CREATE TABLE t(x)");
      for (int i = 0; i < 50; i++) {
        s.execute("INSERT INTO t VALUES(randomblob(1000))");
      }
    }
    long schemaVersion = pragma(db, "schema_version");
    long pageCount = pragma(db, "page_count");

    try (SourceView view = SqliteSource.of(dir.resolve("sub/../app.db")).open()) {
      List<SourceEntry> entries = new ArrayList<>();
      view.visit(entries::add);
      assertThat(entries).hasSize(1);
      SourceEntry e = entries.get(0);
      assertThat(e.path()).isEqualTo(db.toAbsolutePath());
      assertThat(view.paths()).containsExactly(db.toAbsolutePath().toString());
      assertThat(e.kind()).isEqualTo(SourceEntry.Kind.FILE);
      assertThat(e.alignment()).isEqualTo(8192);
      assertThat(e.meta().permissions()).isEqualTo(0600);
      assertThat(e.meta().mtime()).isEqualTo(Files.getLastModifiedTime(db).toInstant());
      assertThat(view.estimatedBytes()).isEqualTo(pageCount * 8192);
      assertThat(view.tags()).containsExactly("bulwark:kind=sqlite",
          "bulwark:db=" + db.toAbsolutePath(), "bulwark:page-size=8192",
          "bulwark:page-count=" + pageCount, "bulwark:schema-version=" + schemaVersion,
          "bulwark:user-version=42", "bulwark:journal-mode=" + journalMode,
          "bulwark:sqlite-version=" + text(db, "SELECT sqlite_version()"));
      assertThat(DatabaseTags.fromTags(view.tags())).get()
          .extracting(DatabaseTags::kind, DatabaseTags::path)
          .containsExactly("sqlite", db.toAbsolutePath().toString());

      Path image = dir.resolve("image.db");
      try (InputStream in = e.content().open()) {
        Files.copy(in, image);
      }
      assertThat(Files.size(image)).isEqualTo(pageCount * 8192);
      assertThat(text(image, "PRAGMA integrity_check")).isEqualTo("ok");
      assertThat(pragma(image, "user_version")).isEqualTo(42);
      assertThat(text(image, "SELECT count(*) FROM t")).isEqualTo("50");
    }
  }

  @Test
  void theDatabaseIsPinnedOnlyWhileCopyingAndCloseReleasesTheCopy() throws Exception {
    Path db = dir.resolve("app.db");
    Bank.create(db, "wal", 100, "before");
    try (Connection app = Bank.connect(db); Statement s = app.createStatement()) {
      s.execute("PRAGMA wal_autocheckpoint=0");
      SourceView view = SqliteSource.of(db).open();
      assertThat(copies()).as("the copy has no name once made").isEmpty();
      s.execute("UPDATE marker SET v = 'after'");
      try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        rs.next();
        assertThat(rs.getInt(1)).as("checkpoint not blocked by the open view").isZero();
      }
      assertThat(Files.size(Sidecar.WAL.of(db))).isZero();

      List<SourceEntry> entries = new ArrayList<>();
      view.visit(entries::add);
      Path image = dir.resolve("image.db");
      try (InputStream in = entries.get(0).content().open()) {
        Files.copy(in, image);
      }
      assertThat(Bank.audit(image).marker()).as("the view keeps the state it was opened at")
          .isEqualTo("before");

      InputStream unread = entries.get(0).content().open();
      view.close();
      view.close();
      assertThatThrownBy(() -> unread.read(new byte[10])).isInstanceOf(IOException.class);
      assertThat(copies()).isEmpty();
    }
  }

  /** How an application left the database when it was killed. */
  enum Crash {
    /** WAL mode, commits still only in the WAL. */
    COMMITS_IN_THE_WAL("wal", "PRAGMA wal_autocheckpoint=0; BEGIN;"
        + " UPDATE accounts SET balance = balance - 5 WHERE id = 1;"
        + " UPDATE accounts SET balance = balance + 5 WHERE id = 2;"
        + " INSERT INTO ledger(src, dst, amount) VALUES(1, 2, 5);"
        + " UPDATE marker SET v = 'committed'; COMMIT;", "committed"),
    /** Rollback-journal mode, in the middle of a transaction that already spilled pages. */
    HOT_JOURNAL("delete", "PRAGMA cache_size=2; BEGIN; UPDATE accounts SET balance = 0;"
        + " UPDATE marker SET v = 'uncommitted';", "before");

    final String journalMode;
    final String sql;
    final String marker;

    Crash(String journalMode, String sql, String marker) {
      this.journalMode = journalMode;
      this.sql = sql;
      this.marker = marker;
    }
  }

  @ParameterizedTest
  @EnumSource(Crash.class)
  @Slow
  void aDatabaseLeftByAKilledApplicationIsCopiedAsSqliteRecoversIt(Crash crash)
      throws Exception {
    Path db = dir.resolve("app.db");
    Bank.create(db, crash.journalMode, 1000, "before");
    Sqlite3Shell.runAndKill(db, crash.sql);
    assertThat(Sidecar.WAL.holdsChanges(db) || Sidecar.JOURNAL.holdsChanges(db)).isTrue();

    Path image = dir.resolve("image.db");
    try (SourceView view = SqliteSource.of(db).open()) {
      List<SourceEntry> entries = new ArrayList<>();
      view.visit(entries::add);
      try (InputStream in = entries.get(0).content().open()) {
        Files.copy(in, image);
      }
    }
    Bank.Audit audit = Bank.audit(image);
    assertThat(audit.consistent()).as("%s", audit).isTrue();
    assertThat(audit.marker()).isEqualTo(crash.marker);
  }

  @Test
  void copiesLeftByAKilledBackupAreRemovedAndOthersAreKept() throws Exception {
    Path db = dir.resolve("app.db");
    Bank.create(db, "wal", 100, "x");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path dead = Files.createFile(dir.resolve(".app.db.bulwark-copy-" + gone.pid() + "-00aa"));
    Path deadJournal = Files.createFile(Sidecar.JOURNAL.of(dead));
    Path alive = Files.createFile(dir.resolve(".app.db.bulwark-copy-"
        + ProcessHandle.current().pid() + "-00bb"));
    Path other = Files.createFile(dir.resolve(".other.db.bulwark-copy-" + gone.pid() + "-00cc"));

    SqliteSource.of(db).open().close();

    assertThat(dead).doesNotExist();
    assertThat(deadJournal).doesNotExist();
    assertThat(alive).as("a copy of a running process stays").exists();
    assertThat(other).as("a copy of another database stays").exists();
  }

  @Test
  void aDatabaseAndItsKeyFileGoIntoOneSnapshotAndComeBack() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app"));
    Path db = app.resolve("node.db");
    Bank.create(db, "wal", 100, "node");
    Path key = app.resolve("node.key");
    byte[] keyBytes = new byte[32];
    new Random(5).nextBytes(keyBytes);
    Files.write(key, keyBytes);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      Snapshot snap = repo.backup(SqliteSource.of(db), FileSource.of(key)).snapshot();
      assertThat(snap.paths()).containsExactlyInAnyOrder(db.toString(), key.toString());
      assertThat(snap.tags()).contains("bulwark:kind=sqlite", "bulwark:db=" + db);

      Path target = dir.resolve("restored/node.db");
      repo.restore(snap, target);
      assertThat(Bank.audit(target).marker()).isEqualTo("node");
      Path out = dir.resolve("files");
      new Restorer(repo.repo, 2, new Progress()).restore(snap, out, List.of(key.toString()));
      Path restoredKey = out.resolve(key.toString().substring(1));
      assertThat(Files.readAllBytes(restoredKey)).isEqualTo(keyBytes);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restoredKey)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void oddCharactersInTheNameAndAScratchFolderElsewhereWork() throws Exception {
    Path db = dir.resolve("my db?#%&=.sqlite");
    Bank.create(db, "wal", 100, "odd");
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      Snapshot snap = repo.backup(BackupOptions.defaults().withThreads(2),
          SqliteSource.of(db, scratch)).snapshot();
      assertThat(snap.paths()).containsExactly(db.toString());
      Path target = dir.resolve("back/my db?#%&=.sqlite");
      repo.restore(snap, target);
      assertThat(Bank.audit(target).marker()).isEqualTo("odd");
    }
    try (Stream<Path> s = Files.list(scratch)) {
      assertThat(s).isEmpty();
    }
    assertThat(copies()).isEmpty();
  }

  private List<Path> copies() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().contains(".bulwark-copy-")).toList();
    }
  }

  private static long pragma(Path db, String name) throws Exception {
    return Long.parseLong(text(db, "PRAGMA " + name));
  }

  private static String text(Path db, String sql) throws Exception {
    try (Connection c = Bank.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
