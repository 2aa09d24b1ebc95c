package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Slow;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input gives one clear error and changes nothing: files that are not databases, damaged
 * databases, snapshots that fail SQLite's checks, and a target another process is using.
 */
class SqliteBadInputTest {
  private static final int PAGE = 4096;

  @TempDir Path dir;

  @Test
  void aFileThatIsNotSqliteIsRefusedWithOneLineNamingIt() throws Exception {
    Path notDb = dir.resolve("notes.db");
    Files.writeString(notDb, "these are notes, not a database\n".repeat(200));
    Map<String, String> before = FolderState.of(dir);

    assertThatThrownBy(() -> SqliteSource.of(notDb).open())
        .isInstanceOf(SourceException.class)
        .hasMessage(notDb + " is not a SQLite database");
    assertThat(FolderState.of(dir)).as("nothing changed, no copy left").isEqualTo(before);
  }

  @Test
  void aTruncatedDatabaseIsRefused() throws Exception {
    Path db = dir.resolve("cut.db");
    Bank.create(db, "delete", 200, "cut");
    try (FileChannel ch = FileChannel.open(db, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    Map<String, String> before = FolderState.of(dir);

    assertThatThrownBy(() -> SqliteSource.of(db).open())
        .isInstanceOf(SourceException.class)
        .hasMessage(db + " is damaged (SQLite: database disk image is malformed)");
    assertThat(FolderState.of(dir)).isEqualTo(before);
  }

  @Test
  void aMissingOrEmptyDatabaseIsRefusedAndNeverCreated() throws Exception {
    Path missing = dir.resolve("missing.db");
    assertThatThrownBy(() -> SqliteSource.of(missing).open())
        .isInstanceOf(SourceException.class).hasMessage(missing + " does not exist");
    assertThat(missing).doesNotExist();

    Path empty = Files.createFile(dir.resolve("empty.db"));
    assertThatThrownBy(() -> SqliteSource.of(empty).open())
        .isInstanceOf(SourceException.class)
        .hasMessage(empty + " is empty (0 bytes), not a SQLite database");
  }

  /** Ways a database is damaged before it is backed up. */
  enum Damage {
    /** Garbage over the cell pointers of a page: SQLite cannot even walk it. */
    SCRIBBLED_PAGE,
    /** An index that no longer matches its table: SQLite walks it and lists missing rows. */
    INDEX_OUT_OF_STEP
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aSnapshotThatFailsIntegrityCheckIsNotRestoredAndTheTargetIsUnchanged(Damage damage)
      throws Exception {
    Path db = Files.createDirectories(dir.resolve("src")).resolve("bank.db");
    Bank.create(db, "delete", 200, "damaged");
    damage(db, damage);
    Path target = Files.createDirectories(dir.resolve("dst")).resolve("bank.db");
    Bank.create(target, "wal", 100, "current");
    Map<String, String> before = FolderState.of(target.getParent());

    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      // The source copies pages as they are; checking them is the restore's job.
      Snapshot snap = repo.backup(SqliteSource.of(db)).snapshot();
      assertThatThrownBy(() -> repo.restore(snap, target))
          .isInstanceOf(BulwarkException.class)
          .hasMessageStartingWith("the restored database fails SQLite's integrity check: ")
          .hasMessageNotContaining("\n");
      assertThat(FolderState.of(target.getParent())).as("target unchanged, nothing left behind")
          .isEqualTo(before);

      Path fresh = dir.resolve("fresh").resolve("bank.db");
      assertThatThrownBy(() -> repo.restore(snap, fresh)).isInstanceOf(BulwarkException.class);
      assertThat(fresh).doesNotExist();
    }
  }

  private static void damage(Path db, Damage damage) throws Exception {
    switch (damage) {
      case SCRIBBLED_PAGE -> {
        long pages = Files.size(db) / PAGE;
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
          f.seek((pages / 2) * PAGE + 8);
          f.write(new byte[] {(byte) 0xff, (byte) 0xff, 0x12, 0x34, (byte) 0xff, (byte) 0xff});
        }
      }
      case INDEX_OUT_OF_STEP -> {
        try (Connection c = Bank.connect(db)) {
          Random random = new Random(1);
          for (int i = 0; i < 20; i++) {
            Bank.transfer(c, random);
          }
          c.setAutoCommit(true);
          try (Statement s = c.createStatement()) {
            s.execute("PRAGMA writable_schema=ON");
            s.execute("UPDATE sqlite_schema SET sql = 'CREATE INDEX ledger_src ON ledger(dst)'"
                + " WHERE name = 'ledger_src'");
          }
        }
      }
      default -> throw new IllegalArgumentException(damage.toString());
    }
  }

  @Test
  void aSnapshotOfAFileThatIsNotSqliteIsNotRestored() throws Exception {
    Path notDb = Files.createDirectories(dir.resolve("src")).resolve("app.db");
    Files.writeString(notDb, "not a database");
    Path target = Files.createDirectories(dir.resolve("dst")).resolve("app.db");
    Bank.create(target, "delete", 100, "current");
    Map<String, String> before = FolderState.of(target.getParent());
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      List<String> tags = new DatabaseTags(SqliteKind.NAME, notDb.toString(), Map.of()).toTags();
      Snapshot snap = repo.backup(BackupOptions.defaults().withTags(tags),
          FileSource.of(notDb)).snapshot();
      assertThatThrownBy(() -> repo.restore(snap, target))
          .isInstanceOf(BulwarkException.class)
          .hasMessage("the restored file is not a SQLite database (it does not start with the"
              + " SQLite header)");
    }
    assertThat(FolderState.of(target.getParent())).isEqualTo(before);
  }

  @Test
  void aSnapshotOfAnotherKindIsRefused() throws Exception {
    Path file = Files.createDirectories(dir.resolve("src")).resolve("CURRENT");
    Files.writeString(file, "MANIFEST-000001\n");
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      List<String> tags = new DatabaseTags("rocksdb", file.getParent().toString(), Map.of())
          .toTags();
      Snapshot snap = repo.backup(BackupOptions.defaults().withTags(tags),
          FileSource.of(file)).snapshot();
      assertThatThrownBy(() -> repo.restore(snap, dir.resolve("app.db")))
          .isInstanceOf(BulwarkException.class)
          .hasMessageEndingWith("is a rocksdb snapshot, not sqlite");
    }
    assertThat(dir.resolve("app.db")).doesNotExist();
  }

  @Test
  @Slow
  void aRestoreWhileAnotherProcessHoldsAWriteTransactionIsRefused() throws Exception {
    assertRefusedWhileOpenElsewhere("delete",
        "BEGIN IMMEDIATE; INSERT INTO marker VALUES('uncommitted');");
  }

  @Test
  @Slow
  void aRestoreWhileAnotherProcessHasTheWalDatabaseOpenIsRefused() throws Exception {
    assertRefusedWhileOpenElsewhere("wal", "SELECT count(*) FROM accounts;");
  }

  private void assertRefusedWhileOpenElsewhere(String journalMode, String sql) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src")).resolve("app.db");
    Bank.create(src, "wal", 100, "snapshot");
    Path target = Files.createDirectories(dir.resolve("dst")).resolve("app.db");
    Bank.create(target, journalMode, 100, "current");
    try (TestRepo repo = TestRepo.init(dir.resolve("repo"))) {
      Snapshot snap = repo.backup(SqliteSource.of(src)).snapshot();
      try (Sqlite3Shell app = Sqlite3Shell.open(target)) {
        app.run(sql);
        Map<String, String> before = FolderState.of(target.getParent());
        assertThatThrownBy(() -> repo.restore(snap, target))
            .isInstanceOf(BulwarkException.class)
            .hasMessage("database " + target + " is in use by another process; stop it before"
                + " restoring");
        assertThat(FolderState.of(target.getParent())).isEqualTo(before);
      }
      assertThat(Bank.audit(target).marker()).isEqualTo("current");
      repo.restore(snap, target);
      assertThat(Bank.audit(target).marker()).as("restores once the process is gone")
          .isEqualTo("snapshot");
    }
  }
}
