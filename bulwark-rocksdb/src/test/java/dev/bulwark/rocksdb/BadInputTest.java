package dev.bulwark.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.BulwarkException;
import dev.bulwark.core.CorruptionException;
import dev.bulwark.core.DatabaseInUseException;
import dev.bulwark.core.SnapshotRef;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.repo.DatabaseTags;
import dev.bulwark.core.repo.Repository;
import dev.bulwark.core.repo.Snapshot;
import dev.bulwark.core.testing.Slow;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * (c) Bad input gets one clear error and leaves the target database as it was: snapshots whose
 * copy fails verification, folders that are missing or not RocksDB, and targets that are open.
 */
class BadInputTest {
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
  @TempDir Path dir;
  private Path target;
  private Map<String, String> targetBefore;

  @BeforeEach
  void existingDatabaseAtTheTarget() throws Exception {
    target = dir.resolve("live/db");
    Files.createDirectories(target.getParent());
    VersionedDb.create(target, "current", 3_000, 200);
    targetBefore = TestFolders.hashes(target);
  }

  @Test
  void snapshotWithAMissingTableFileFailsVerificationAndChangesNothing() throws Exception {
    Path broken = brokenCopy("missing");
    Path sst = TestFolders.tables(broken).get(0);
    Files.delete(sst);

    assertThatThrownBy(() -> RocksDbSource.offline(broken).open())
        .isInstanceOf(SourceException.class).hasMessageContaining("not a readable RocksDB")
        .hasMessageContaining(sst.getFileName().toString());

    try (Repository repo = TestRepos.init(dir.resolve("repo"))) {
      Snapshot s = backupFilesAsRocksDb(repo, broken);
      assertThatThrownBy(() -> restore(repo, s)).isInstanceOf(CorruptionException.class)
          .hasMessageContaining("failed verification")
          .hasMessageContaining(sst.getFileName().toString())
          .hasMessageContaining("No such file");
    }
    assertTargetUnchanged();
  }

  @Test
  void snapshotWithADamagedTableFileFailsVerificationAndChangesNothing() throws Exception {
    Path broken = brokenCopy("damaged");
    Path sst = TestFolders.tables(broken).get(0);
    try (RandomAccessFile f = new RandomAccessFile(sst.toFile(), "rw")) {
      f.seek(1000); // inside the first data block
      int b = f.read();
      f.seek(1000);
      f.write(b ^ 0x5a);
    }
    try (Repository repo = TestRepos.init(dir.resolve("repo"))) {
      Snapshot s = backupFilesAsRocksDb(repo, broken);
      assertThatThrownBy(() -> restore(repo, s)).isInstanceOf(CorruptionException.class)
          .hasMessageContaining("failed verification")
          .hasMessageContaining("checksum mismatch")
          .hasMessageContaining(sst.getFileName().toString());
    }
    assertTargetUnchanged();
  }

  @Test
  void snapshotOfAFolderThatIsNotRocksDbFailsVerification() throws Exception {
    Path notDb = Files.createDirectories(dir.resolve("src/notdb"));
    Files.writeString(notDb.resolve("data.txt"), "hello");
    try (Repository repo = TestRepos.init(dir.resolve("repo"))) {
      Snapshot s = backupFilesAsRocksDb(repo, notDb);
      assertThatThrownBy(() -> restore(repo, s)).isInstanceOf(CorruptionException.class)
          .hasMessageContaining("not a RocksDB database").hasMessageContaining("no CURRENT");
    }
    assertTargetUnchanged();
  }

  @Test
  void snapshotOfAnotherKindIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("app.db"), "SQLite format 3\0");
    try (Repository repo = TestRepos.init(dir.resolve("repo"))) {
      Snapshot s = TestRepos.backup(repo, BackupOptions.defaults().withTags(new DatabaseTags(
          "sqlite", file.toString(), Map.of()).toTags()), FileSource.of(file)).snapshot();
      assertThatThrownBy(() -> restore(repo, s)).isInstanceOf(BulwarkException.class)
          .hasMessageContaining("is a sqlite snapshot, not rocksdb");
    }
    assertTargetUnchanged();
  }

  @Test
  void missingFolderOrNotRocksDbIsRefusedInOneLine() throws Exception {
    assertThatThrownBy(() -> RocksDbSource.offline(dir.resolve("nope")).open())
        .isInstanceOf(SourceException.class)
        .hasMessage("RocksDB database folder does not exist: " + dir.resolve("nope"));
    Path plain = Files.createDirectories(dir.resolve("plain"));
    Files.writeString(plain.resolve("notes.txt"), "not a database");
    assertThatThrownBy(() -> RocksDbSource.offline(plain).open())
        .isInstanceOf(SourceException.class)
        .hasMessage(plain + " is not a RocksDB database (it has no CURRENT file)");
    Path file = plain.resolve("notes.txt");
    assertThatThrownBy(() -> RocksDbSource.offline(file).open())
        .isInstanceOf(SourceException.class)
        .hasMessage(file + " is not a folder; a RocksDB database is a folder");
    assertThat(TestFolders.names(plain)).containsExactly("notes.txt");
  }

  @Test
  @Slow
  void databaseOpenInAnotherProcessIsNeitherBackedUpOfflineNorReplaced() throws Exception {
    Path source = dir.resolve("src/db");
    VersionedDb.create(source, "snapshot", 1_000, 100);
    try (Repository repo = TestRepos.init(dir.resolve("repo"))) {
      Snapshot s = TestRepos.backup(repo, RocksDbSource.offline(source)).snapshot();
      try (ChildJvm holder = ChildJvm.start(dir.resolve("holder.err"), HoldOpenMain.class,
          target.toString())) {
        holder.awaitLine("ready", CHILD_TIMEOUT);
        assertThatThrownBy(() -> restore(repo, s)).isInstanceOf(DatabaseInUseException.class)
            .hasMessage("cannot restore to " + target + ": the RocksDB database there is open in"
                + " another process (its LOCK file is locked); stop the process using it first");
        assertThatThrownBy(() -> RocksDbSource.offline(target).open())
            .isInstanceOf(SourceException.class)
            .hasMessageContaining("is open in another process");
        assertThat(TestFolders.names(target.getParent())).containsExactly("db");
        holder.closeStdin();
        assertThat(holder.await(CHILD_TIMEOUT)).isZero();
      }
      assertThat(VersionedDb.check(target)).isEqualTo("current");
      // Once it is closed, the same restore goes through and keeps the old database.
      Path kept = restore(repo, s);
      assertThat(VersionedDb.check(target)).isEqualTo("snapshot");
      assertThat(VersionedDb.check(kept)).isEqualTo("current");
    }
  }

  @Test
  @Slow
  void databaseOpenInThisProcessIsNotReplacedAndKeepsItsLock() throws Exception {
    Path source = dir.resolve("src/db");
    VersionedDb.create(source, "snapshot", 1_000, 100);
    try (Repository repo = TestRepos.init(dir.resolve("repo"))) {
      Snapshot s = TestRepos.backup(repo, RocksDbSource.offline(source)).snapshot();
      try (Options o = new Options(); RocksDB open = RocksDB.open(o, target.toString())) {
        assertThatThrownBy(() -> restore(repo, s)).isInstanceOf(DatabaseInUseException.class)
            .hasMessageContaining("is open in this process");
        assertThatThrownBy(() -> RocksDbSource.offline(target).open())
            .isInstanceOf(SourceException.class).hasMessageContaining("is open in this process");
        // Probing must not have released the lock this process holds (an fcntl trap):
        // another process still cannot open the database.
        try (ChildJvm other = ChildJvm.start(dir.resolve("other.err"), HoldOpenMain.class,
            target.toString())) {
          assertThat(other.awaitLine("failed", CHILD_TIMEOUT))
              .contains("Resource temporarily unavailable");
          assertThat(other.await(CHILD_TIMEOUT)).isEqualTo(2);
        }
        open.put("still".getBytes(StandardCharsets.UTF_8), "usable".getBytes());
      }
      assertThat(TestFolders.names(target.getParent())).containsExactly("db");
    }
  }

  /** A closed copy of a database, in a folder of its own. */
  private Path brokenCopy(String name) throws Exception {
    Path db = dir.resolve("src/" + name);
    VersionedDb.create(db, "broken", 3_000, 200);
    assertThat(TestFolders.tables(db)).isNotEmpty();
    return db;
  }

  /** Files stored as they are, tagged as a RocksDB snapshot: what a damaged backup looks like. */
  private static Snapshot backupFilesAsRocksDb(Repository repo, Path folder) throws Exception {
    List<String> tags = new DatabaseTags("rocksdb", folder.toString(), Map.of("sequence", "0"))
        .toTags();
    return TestRepos.backup(repo, BackupOptions.defaults().withTags(tags),
        FileSource.of(folder)).snapshot();
  }

  private Path restore(Repository repo, Snapshot s) throws Exception {
    return TestRepos.restorer(repo).restore(SnapshotRef.id(s.id().toString()), target)
        .previous().orElse(null);
  }

  private void assertTargetUnchanged() throws Exception {
    assertThat(TestFolders.hashes(target)).as("the target's files").isEqualTo(targetBefore);
    assertThat(TestFolders.names(target.getParent())).as("no staging, journal or kept copy")
        .containsExactly("db");
    assertThat(VersionedDb.check(target)).isEqualTo("current");
  }
}
