package dev.bulwark.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Progress;
import dev.bulwark.core.RepositoryLockedException;
import dev.bulwark.core.SourceException;
import dev.bulwark.core.api.Bulwark;
import dev.bulwark.core.api.BulwarkRepository;
import dev.bulwark.core.api.Database;
import dev.bulwark.core.backend.LocalBackend;
import dev.bulwark.core.backup.Archiver;
import dev.bulwark.core.backup.BackupOptions;
import dev.bulwark.core.backup.FileSource;
import dev.bulwark.core.backup.SourceView;
import dev.bulwark.core.crypto.Kdf;
import dev.bulwark.core.repo.Lock;
import dev.bulwark.core.repo.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engines never lock: the caller takes the lock and hands it in, or reads without one. */
class CallerHoldsLockTest {
  private static final Kdf.Params FAST = new Kdf.Params(1024, 8, 1);
  private static final byte[] PW = "pw".getBytes();
  @TempDir Path dir;

  @Test
  void aBackupRefusesALockNotHeldOnItsRepository() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "data");
    Path repoDir = dir.resolve("repo");
    try (Repository r = Repository.init(LocalBackend.open(repoDir), PW, FAST);
        Repository other = Repository.open(LocalBackend.open(repoDir), PW)) {
      Archiver archiver = new Archiver(r, BackupOptions.defaults(), new Progress());
      Lock released = r.lock(false);
      released.close();
      assertThatThrownBy(() -> archiver.backup(released, List.of(FileSource.of(file))))
          .isInstanceOf(IllegalArgumentException.class);
      try (Lock elsewhere = other.lock(false)) {
        assertThatThrownBy(() -> archiver.backup(elsewhere, List.of(FileSource.of(file))))
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(r.snapshots()).isEmpty();
      try (Lock held = r.lock(false)) {
        assertThat(archiver.backup(held, List.of(FileSource.of(file))).snapshot().id())
            .isNotNull();
      }
      assertThat(r.locks()).as("the caller's lock is gone once released").isEmpty();
    }
  }

  @Test
  void restoreIfMissingLocksOnlyWhenThereIsADatabaseToRestore() throws Exception {
    Path db = Files.writeString(dir.resolve("app.db"), "in place");
    Path missing = dir.resolve("gone.db");
    Path repoDir = dir.resolve("repo");
    try (BulwarkRepository repo = Bulwark.repository(repoDir).password(PW)
        .createIfMissing(true).keyDerivation(FAST).open();
        Repository pruner = Repository.open(LocalBackend.open(repoDir), PW);
        Lock exclusive = pruner.lock(true)) {
      // A service starting while a prune holds the repository: its database is in place.
      assertThat(repo.restoreIfMissing(textDatabase(db)).outcome())
          .isEqualTo(DatabaseRestorer.Outcome.SKIPPED_DB_EXISTS);
      assertThat(Files.readString(db)).isEqualTo("in place");
      // Its database is gone: restoring needs the shared lock, which the prune's excludes.
      assertThatThrownBy(() -> repo.restoreIfMissing(textDatabase(missing))).isInstanceOf(RepositoryLockedException.class);
    }
  }

  /** A text file restored as a database, with {@link DatabaseRestorerTest.TextKind}. */
  private static Database textDatabase(Path path) {
    return new Database() {
      @Override
      public Path path() {
        return path;
      }

      @Override
      public DatabaseKind kind() {
        return new DatabaseRestorerTest.TextKind();
      }

      @Override
      public SourceView open() throws SourceException {
        return FileSource.of(path).open();
      }
    };
  }
}
