package dev.bulwark.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.DatabaseInUseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore-side steps for SQLite: the in-use check, verification, and the swap. */
class SqliteKindTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2024-01-02T03:04:05Z"), ZoneOffset.UTC);
  private static final String KEPT = "app.db.bulwark-old-20240102T030405Z";

  @TempDir Path dir;
  private final SqliteKind kind = new SqliteKind(CLOCK);

  private Path staged(String marker) throws Exception {
    Path staged = dir.resolve(".app.db.staged");
    Bank.create(staged, "wal", 100, marker);
    return staged;
  }

  @Test
  void swapKeepsTheOldDatabaseWithItsUncheckpointedWalUnderAClearName() throws Exception {
    Path target = dir.resolve("app.db");
    Bank.create(target, "wal", 100, "old");
    Sqlite3Shell.runAndKill(target, "PRAGMA wal_autocheckpoint=0;"
        + " INSERT INTO marker VALUES('only-in-wal');");
    assertThat(Sidecar.WAL.holdsChanges(target)).isTrue();
    Path staged = staged("new");
    kind.verify(staged);

    Path kept = kind.swap(staged, target);

    assertThat(kept).isEqualTo(dir.resolve(KEPT));
    for (Sidecar s : Sidecar.values()) {
      assertThat(s.of(target)).as("no %s of the old database beside the new one", s)
          .doesNotExist();
    }
    assertThat(staged).doesNotExist();
    assertThat(Bank.audit(target).marker()).isEqualTo("new");
    assertThat(Bank.audit(alone(kept)).marker())
        .as("the old file alone holds every commit before its sidecars move")
        .isEqualTo("old,only-in-wal");
    assertThat(Bank.audit(kept).marker()).isEqualTo("old,only-in-wal");
  }

  /** A copy of just the main file of a database, without its WAL or journal. */
  private Path alone(Path db) throws Exception {
    Path copy = Files.createDirectories(dir.resolve("alone")).resolve(db.getFileName());
    Files.copy(db, copy);
    return copy;
  }

  @Test
  void aStaleWalBesideAMissingTargetIsMovedAsideAndNeverApplied() throws Exception {
    Path other = dir.resolve("other.db");
    Bank.create(other, "wal", 100, "other");
    Sqlite3Shell.runAndKill(other, "PRAGMA wal_autocheckpoint=0;"
        + " DELETE FROM marker; INSERT INTO marker VALUES('stale');"
        + " UPDATE accounts SET balance = 0;");
    Path target = dir.resolve("app.db");
    Files.move(Sidecar.WAL.of(other), Sidecar.WAL.of(target));
    // The hazard: SQLite applies a WAL to whatever database sits beside it.
    Path control = dir.resolve("control.db");
    Bank.create(control, "wal", 100, "control");
    Files.copy(Sidecar.WAL.of(target), Sidecar.WAL.of(control));
    assertThat(Bank.audit(control).consistent()).as("a stale WAL damages a database").isFalse();

    Path kept = kind.swap(staged("new"), target);

    assertThat(kept).as("there was no database to keep").isNull();
    assertThat(Bank.audit(target).consistent()).isTrue();
    assertThat(Bank.audit(target).marker()).isEqualTo("new");
    assertThat(Sidecar.WAL.of(dir.resolve(KEPT))).as("the stray WAL is kept aside").exists();
  }

  @Test
  void aHotJournalOfACrashedWriterIsRolledBackIntoTheKeptDatabase() throws Exception {
    Path target = dir.resolve("app.db");
    Bank.create(target, "delete", 1000, "old");
    Sqlite3Shell.runAndKill(target, "PRAGMA cache_size=2; BEGIN;"
        + " UPDATE accounts SET balance = balance + 1;");
    assertThat(Sidecar.JOURNAL.holdsChanges(target)).as("a hot journal").isTrue();

    Path kept = kind.swap(staged("new"), target);

    assertThat(Sidecar.JOURNAL.of(target)).doesNotExist();
    assertThat(Bank.audit(target).marker()).isEqualTo("new");
    Bank.Audit old = Bank.audit(alone(kept));
    assertThat(old.consistent()).as("the old file alone is whole: %s", old).isTrue();
    assertThat(old.marker()).isEqualTo("old");
  }

  @Test
  void checkNotInUseChangesNothingAndLeavesNothingBehind() throws Exception {
    Path target = dir.resolve("app.db");
    Bank.create(target, "wal", 100, "old");
    Sqlite3Shell.runAndKill(target, "PRAGMA wal_autocheckpoint=0;"
        + " INSERT INTO marker VALUES('in-wal');");
    Files.deleteIfExists(Sidecar.SHM.of(target));
    Map<String, String> before = FolderState.of(dir);

    kind.checkNotInUse(target);
    kind.checkNotInUse(dir.resolve("missing.db"));

    assertThat(FolderState.of(dir)).isEqualTo(before);
  }

  @Test
  void checkNotInUseRefusesADatabaseAnotherConnectionIsWritingTo() throws Exception {
    Path target = dir.resolve("app.db");
    Bank.create(target, "delete", 100, "old");
    try (Connection app = Bank.connect(target); Statement s = app.createStatement()) {
      app.setAutoCommit(false);
      s.executeUpdate("INSERT INTO marker VALUES('pending')");
      assertThatThrownBy(() -> kind.checkNotInUse(target))
          .isInstanceOf(DatabaseInUseException.class)
          .hasMessage("database " + target + " is in use by another process; stop it before"
              + " restoring");
      assertThatThrownBy(() -> kind.swap(staged("new"), target))
          .isInstanceOf(BulwarkException.class).hasMessageContaining("is in use");
      app.rollback();
    }
    assertThat(Bank.audit(target).marker()).isEqualTo("old");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("app.db", ".app.db.staged");
    }
  }

  @Test
  void aTargetThatIsNotSqliteIsReplacedAndKept() throws Exception {
    Path target = dir.resolve("app.db");
    Files.writeString(target, "not a database");
    kind.checkNotInUse(target);
    Path kept = kind.swap(staged("new"), target);
    assertThat(Files.readString(kept)).isEqualTo("not a database");
    assertThat(Bank.audit(target).marker()).isEqualTo("new");
  }

  @Test
  void aSymlinkTargetIsRefused() throws Exception {
    Path real = dir.resolve("real.db");
    Bank.create(real, "wal", 100, "real");
    Path link = Files.createSymbolicLink(dir.resolve("app.db"), real);
    assertThatThrownBy(() -> kind.checkNotInUse(link))
        .isInstanceOf(BulwarkException.class)
        .hasMessage(link + " is a symbolic link; restore to the file it points to (" + real
            + ")");
  }

  @Test
  void theNewDatabaseGetsTheOldOnesPermissionsAndKeptNamesNeverCollide() throws Exception {
    Path target = dir.resolve("app.db");
    Bank.create(target, "wal", 100, "first");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
    Path first = kind.swap(staged("second"), target);
    Path second = kind.swap(staged("third"), target);

    assertThat(first.getFileName().toString()).isEqualTo(KEPT);
    assertThat(second.getFileName().toString()).isEqualTo(KEPT + "-2");
    assertThat(Bank.audit(first).marker()).isEqualTo("first");
    assertThat(Bank.audit(second).marker()).isEqualTo("second");
    assertThat(Bank.audit(target).marker()).isEqualTo("third");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void verifyRejectsABrokenForeignKeyAndANonDatabase() throws Exception {
    Path staged = dir.resolve(".app.db.staged");
    try (Connection c = Bank.connect(staged); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE parent(id INTEGER PRIMARY KEY)");
      s.execute("CREATE TABLE child(id INTEGER PRIMARY KEY,"
          + " parent_id INTEGER REFERENCES parent(id))");
      s.execute("INSERT INTO child VALUES(7, 99)");
    }
    assertThatThrownBy(() -> kind.verify(staged))
        .isInstanceOf(BulwarkException.class)
        .hasMessage("the restored database breaks a foreign key: row 7 of table child refers"
            + " to a missing row of parent");

    Path text = Files.writeString(dir.resolve(".text.staged"), "SQLite format 2 or so");
    assertThatThrownBy(() -> kind.verify(text))
        .isInstanceOf(BulwarkException.class).hasMessageContaining("not a SQLite database");
    Path empty = Files.createFile(dir.resolve(".empty.staged"));
    assertThatThrownBy(() -> kind.verify(empty))
        .isInstanceOf(BulwarkException.class).hasMessageContaining("not a SQLite database");
  }
}
